// Two projects: `unit` needs no services; `integration` talks to the real Postgres, Kafka and
// Elasticsearch that test/global-setup.ts brings up (or finds running). swc only strips types:
// type-checking is `tsc --noEmit`, run first by `npm test`.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const roots = ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test', '<rootDir>/infra'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      // Per-project testTimeout is ignored by jest; the setup file raises it for this project only.
      setupFilesAfterEnv: ['<rootDir>/test/integration-timeout.ts'],
    },
  ],
};
