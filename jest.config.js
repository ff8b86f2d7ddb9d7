// Two projects: `unit` needs no services; `integration` talks to the real Postgres, Kafka and
// Elasticsearch that test/global-setup.ts brings up (or finds running). swc only strips types:
// type-checking is `tsc --noEmit`, run first by `npm test`.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const roots = ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test', '<rootDir>/infra'];
// Tests run the shared package from its sources (like tsc and tsx, through tsconfig's `paths`);
// its package.json entry is the compiled dist/, which only `npm run build` produces.
const moduleNameMapper = { '^@segmenter/shared$': '<rootDir>/packages/shared/src/index.ts' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
      testMatch: ['**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      // Per-project testTimeout is ignored by jest; the setup file raises it for this project only.
      setupFilesAfterEnv: ['<rootDir>/test/integration-timeout.ts'],
    },
  ],
};
