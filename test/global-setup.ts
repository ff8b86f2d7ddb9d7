// Jest global setup for integration tests: finds or starts the real stack (the same launcher as
// `./dev up`, or testcontainers with TEST_INFRA=containers), then migrates a template database
// that every test file clones, so files run in parallel on their own data.
import { Client } from 'pg';
import { runMigrations } from '../infra/stack/migrations';
import { ensureDatabase, withDatabase } from '../infra/stack/postgres';
import { stackUp } from '../infra/stack/stack';
import { loadStackSettings } from '../infra/stack/stack-settings';
import { startContainers } from './support/containers';
import { exportEndpoints } from './support/infra-endpoints';

export const SETUP_STATE = globalThis as unknown as {
  __segmenterStarted?: string[];
  __segmenterContainers?: { stop(): Promise<unknown> }[];
  __segmenterTemplate?: { serverUrl: string; name: string };
};

async function createTemplate(serverUrl: string): Promise<string> {
  const name = `segmenter_test_template_${process.pid}`;
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
  } finally {
    await admin.end();
  }
  await ensureDatabase(serverUrl, name);
  await runMigrations(withDatabase(serverUrl, name));
  return name;
}

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let endpoints: { postgresServerUrl: string; kafkaBrokers: string; elasticsearchUrl: string };
  if (process.env.TEST_INFRA === 'containers') {
    const started = await startContainers();
    SETUP_STATE.__segmenterContainers = started.containers;
    endpoints = started;
  } else {
    const stack = await stackUp(loadStackSettings(), log);
    SETUP_STATE.__segmenterStarted = stack.started;
    endpoints = { postgresServerUrl: stack.databaseUrl, kafkaBrokers: stack.kafkaBrokers, elasticsearchUrl: stack.elasticsearchUrl };
  }
  const templateDatabase = await createTemplate(endpoints.postgresServerUrl);
  SETUP_STATE.__segmenterTemplate = { serverUrl: endpoints.postgresServerUrl, name: templateDatabase };
  exportEndpoints({ ...endpoints, templateDatabase });
}
