// Jest global teardown: drops the template database and stops only what the setup started
// (a stack that was already running, e.g. from `./dev up`, keeps running). SEGMENTER_KEEP_STACK=1
// keeps even those, so the next run starts fast.
import { Client } from 'pg';
import { withDatabase } from '../infra/stack/postgres';
import { stackDown } from '../infra/stack/stack';
import { loadStackSettings } from '../infra/stack/stack-settings';
import { SETUP_STATE } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const template = SETUP_STATE.__segmenterTemplate;
  if (template) {
    const admin = new Client({ connectionString: withDatabase(template.serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`drop database if exists ${template.name} with (force)`).finally(() => admin.end());
  }
  for (const container of SETUP_STATE.__segmenterContainers ?? []) await container.stop();
  const started = SETUP_STATE.__segmenterStarted ?? [];
  if (started.length > 0 && process.env.SEGMENTER_KEEP_STACK !== '1') {
    await stackDown(loadStackSettings(), started, (line) => process.stderr.write(`${line}\n`));
  }
}
