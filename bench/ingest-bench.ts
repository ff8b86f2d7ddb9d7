// The load of `npm run bench`: the generated contact files through the real import path (POST
// /v1/imports, PUT the file, follow the import until it succeeded, which it does once every row is
// searchable), timed from the first byte of the upload, with the rate of each stage and the CPU
// each service used; then the engagement events through POST /v1/activities/batch until they are
// searchable; and batch upsert against one upsert per request.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import os from 'node:os';
import { workspaceSearch } from '@segmenter/shared';
import type { BenchRow, BenchWorkspace, SectionResult } from './bench-context';
import { call, inFlight, request } from './bench-api';
import { engagementOf, WorkspacePlan, writeContactFiles } from './bench-data';
import type { Harness } from './bench-harness';
import { cpuSecondsBetween, cpuSecondsByService } from './bench-processes';
import { round, sleep, timed } from './bench-stats';

const INGEST_TARGET_PER_SECOND = 10_000;

interface Sample {
  at: number;
  status: string;
  rowsRead: number;
  processed: number;
  outbox: number;
  searchable: number;
}

async function searchableCount(h: Harness, workspaceId: string): Promise<number> {
  const search = workspaceSearch(h.alias, workspaceId, []);
  return (await h.es.count({ index: search.index, routing: search.routing, query: search.query })).count;
}

/**
 * One file through the import API, from the first byte of the upload until the import succeeded
 * (its rows written and searchable), sampling progress every second. Throws unless every row
 * created a contact: the generator writes only good rows.
 */
export async function importFile(h: Harness, ws: BenchWorkspace, file: string, matchBy: 'email' | 'phone', rows: number) {
  const bytes = fs.statSync(file).size;
  const created = await call(h.apiUrl, 'POST', '/v1/imports', ws, { createMissingTags: true, fileName: path.basename(file), matchBy });
  const searchableBefore = await searchableCount(h, ws.id);
  const samples: Sample[] = [];
  const services = [h.api, h.indexer];
  const cpuBefore = cpuSecondsByService(services);
  const started = performance.now();
  let uploaded = false;
  const sampler = (async () => {
    for (;;) {
      const view = await call(h.apiUrl, 'GET', `/v1/imports/${created.id}`, ws);
      const outbox = (await h.pool.query('select count(*)::int as n from outbox where workspace_id = $1', [ws.id])).rows[0].n;
      samples.push({
        at: performance.now() - started,
        status: view.status,
        ...view.progress,
        outbox,
        searchable: (await searchableCount(h, ws.id)) - searchableBefore,
      });
      if (['succeeded', 'failed', 'cancelled'].includes(view.status)) return view;
      // Closer polls once the file is in: the end is timed by the poll that sees it.
      await sleep(uploaded ? 250 : 1000);
    }
  })();
  // Settled now, read after the upload: a failed poll must not go unhandled meanwhile.
  const sampled = sampler.then(
    (view) => ({ view }),
    (err: unknown) => ({ err }),
  );
  const upload = await fetch(`${h.apiUrl}/v1/imports/${created.id}/file`, {
    method: 'PUT',
    headers: { 'x-api-key': ws.apiKey, 'content-type': 'text/csv', 'content-length': String(bytes) },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const uploadSeconds = (performance.now() - started) / 1000;
  uploaded = true;
  if (upload.status !== 202) throw new Error(`upload of ${path.basename(file)} answered ${upload.status}: ${await upload.text()}`);
  const polled = await sampled;
  if ('err' in polled) throw polled.err;
  const final = polled.view;
  const totalSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsBetween(cpuBefore, cpuSecondsByService(services));
  if (final.status !== 'succeeded') throw new Error(`import of ${path.basename(file)} ${final.status}: ${final.error}`);
  if (final.progress.created !== rows || final.progress.rejected !== 0) {
    const rejections = await call(h.apiUrl, 'GET', `/v1/imports/${created.id}/rejections?limit=3`, ws).catch(() => undefined);
    throw new Error(`import of ${path.basename(file)}: ${JSON.stringify(final.progress)} for ${rows} rows; first rejections: ${JSON.stringify(rejections)}`);
  }
  const searchable = (await searchableCount(h, ws.id)) - searchableBefore;
  if (searchable !== rows) throw new Error(`import of ${path.basename(file)} succeeded with ${searchable} of ${rows} contacts searchable`);
  const firstAt = (done: (s: Sample) => boolean) => (samples.find(done)?.at ?? totalSeconds * 1000) / 1000;
  const writtenAt = firstAt((s) => s.processed >= final.progress.rowsRead);
  const relayedAt = firstAt((s) => s.processed >= final.progress.rowsRead && s.outbox === 0);
  return {
    rows,
    megabytes: round(bytes / 2 ** 20),
    created: final.progress.created,
    searchable,
    secondsFileToSearchable: round(totalSeconds),
    contactsPerSecondEndToEnd: Math.round(rows / totalSeconds),
    // The stages overlap: each is timed from the start of the upload, and its rate is rows over that time.
    stages: {
      uploadSeconds: round(uploadSeconds),
      uploadRowsPerSecond: Math.round(rows / uploadSeconds),
      writtenToPostgresSeconds: round(writtenAt),
      writerRowsPerSecond: Math.round(rows / writtenAt),
      relayedToKafkaSeconds: round(relayedAt),
      relayEventsPerSecond: Math.round(rows / relayedAt),
      searchableSeconds: round(totalSeconds),
    },
    // Where the time goes: CPU seconds per service, against what the machine had over the same wall time.
    cpuSeconds,
    cpuCapacitySeconds: round(totalSeconds * (Number(process.env.BENCH_CORES) || os.availableParallelism())),
    cpuMicrosecondsPerRow: Math.round((Object.values(cpuSeconds).reduce((a, b) => a + b, 0) * 1e6) / rows),
  };
}

/** The workspace's engagement events, 1,000 a request (a contact's events together: one change event each), 2 requests in flight. */
async function loadEngagement(h: Harness, ws: BenchWorkspace, plan: WorkspacePlan) {
  const batches: { contactId: string; channel: string; status: string; occurredAt: string; messageName: string }[][] = [];
  let batch: (typeof batches)[number] = [];
  let contacts = 0;
  // Contact ids by keyset pages straight from Postgres: the harness's lookup, not a measured path.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await h.pool.query<{ id: string; email: string }>(
      'select id, email from contacts where workspace_id = $1 and id > $2 and email is not null order by id limit 10000',
      [ws.id, after],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      const activities = engagementOf(plan, row.email);
      if (activities.length === 0) continue;
      contacts++;
      if (batch.length + activities.length > 1000) {
        batches.push(batch);
        batch = [];
      }
      batch.push(...activities.map((a) => ({ contactId: row.id, ...a })));
    }
  }
  if (batch.length > 0) batches.push(batch);
  const activities = batches.reduce((n, b) => n + b.length, 0);
  const tokens: string[] = [];
  const sent = await timed(() =>
    inFlight(batches.length, 2, async (i) => {
      const answer = await request(h.apiUrl, 'POST', '/v1/activities/batch', ws, { activities: batches[i] });
      if (answer.status !== 200 || answer.body.summary.failed > 0)
        throw new Error(`activities batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
      tokens.push(answer.headers.get('consistency-token')!);
    }),
  );
  // Searchable: every batch's token satisfied (a 503 means not yet; ask again).
  const searchable = await timed(async () => {
    for (const token of tokens) {
      for (let tries = 0; ; tries++) {
        const answer = await request(h.apiUrl, 'GET', `/v1/consistency?consistencyToken=${encodeURIComponent(token)}&waitMs=30000`, ws);
        if (answer.status === 200) break;
        if (answer.status !== 503 || tries > 20) throw new Error(`waiting for engagement to be searchable: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
  });
  const stored = (await h.pool.query('select count(*)::int as n from activities where workspace_id = $1', [ws.id])).rows[0].n;
  if (stored !== activities) throw new Error(`sent ${activities} activities, ${stored} stored`);
  const seconds = (sent.ms + searchable.ms) / 1000;
  return {
    contacts,
    activities,
    requests: batches.length,
    secondsSent: round(sent.ms / 1000),
    secondsSentToSearchable: round(seconds),
    activitiesPerSecondEndToEnd: Math.round(activities / seconds),
  };
}

/**
 * Generates the files and loads both workspaces: the large one's email file is the headline (its
 * end-to-end rate against the target), its phone-only file, the small workspace, then engagement.
 */
export async function ingestSection(h: Harness): Promise<SectionResult> {
  const { large, small } = h.plans;
  h.log(`generating ${large.contacts} + ${small.contacts} contacts (seed ${large.seed})`);
  const generated = await timed(async () => ({
    large: await writeContactFiles(large, h.options.dataDir),
    small: await writeContactFiles(small, h.options.dataDir),
  }));
  h.log(`generated ${round(generated.value.large.bytes / 2 ** 20)} MiB in ${round(generated.ms / 1000)} s; importing ${large.emailRows} rows`);
  const email = await importFile(h, h.workspace, generated.value.large.emailFile, 'email', large.emailRows);
  h.log(`email file: ${email.contactsPerSecondEndToEnd} contacts/s end to end (${email.secondsFileToSearchable} s)`);
  const phone = await importFile(h, h.workspace, generated.value.large.phoneFile, 'phone', large.phoneOnlyRows);
  const smallEmail = await importFile(h, h.otherWorkspace, generated.value.small.emailFile, 'email', small.emailRows);
  const smallPhone = await importFile(h, h.otherWorkspace, generated.value.small.phoneFile, 'phone', small.phoneOnlyRows);
  const ingestMemory = { apiPeakMiB: h.monitor.peakMiB('api'), indexerPeakMiB: h.monitor.peakMiB('indexer') };
  h.log(`engagement events`);
  const engagement = await loadEngagement(h, h.workspace, large);
  const smallEngagement = await loadEngagement(h, h.otherWorkspace, small);
  h.log(`engagement: ${engagement.activities} activities, ${engagement.activitiesPerSecondEndToEnd}/s until searchable`);
  await h.pool.query('analyze');

  const at = `${large.contacts.toLocaleString('en-US')} contacts`;
  const rows: BenchRow[] = [
    {
      section: 'ingest',
      measure: 'import, file start to all searchable',
      value: email.contactsPerSecondEndToEnd,
      unit: 'contacts/s',
      target: { op: '>=', value: INGEST_TARGET_PER_SECOND },
      note: `${email.rows.toLocaleString('en-US')} rows, ${email.megabytes} MiB, ${email.secondsFileToSearchable} s`,
    },
    { section: 'ingest', measure: 'upload stage (rows staged)', value: email.stages.uploadRowsPerSecond, unit: 'rows/s', note: 'cumulative from upload start' },
    { section: 'ingest', measure: 'written to Postgres', value: email.stages.writerRowsPerSecond, unit: 'rows/s', note: 'cumulative from upload start' },
    { section: 'ingest', measure: 'CPU per row, all services', value: email.cpuMicrosecondsPerRow, unit: 'µs', note: cpuNote(email.cpuSeconds) },
    { section: 'ingest', measure: 'api peak memory (VmHWM) after ingest', value: ingestMemory.apiPeakMiB, unit: 'MiB', note: 'child process, node + tsx' },
    {
      section: 'ingest',
      measure: 'indexer peak memory (VmHWM) after ingest',
      value: ingestMemory.indexerPeakMiB,
      unit: 'MiB',
      note: 'child process, node + tsx',
    },
    {
      section: 'ingest',
      measure: 'phone-only file (match by phone)',
      value: phone.contactsPerSecondEndToEnd,
      unit: 'contacts/s',
      note: `${phone.rows.toLocaleString('en-US')} rows`,
    },
    {
      section: 'ingest',
      measure: 'engagement events to searchable',
      value: engagement.activitiesPerSecondEndToEnd,
      unit: 'activities/s',
      note: `${engagement.activities.toLocaleString('en-US')} activities on ${engagement.contacts.toLocaleString('en-US')} contacts, 1,000 a request, 2 in flight`,
    },
  ];
  return {
    figures: {
      size: at,
      generatedSeconds: round(generated.ms / 1000),
      files: { large: generated.value.large, small: generated.value.small },
      largeEmailFile: email,
      largePhoneFile: phone,
      smallEmailFile: smallEmail,
      smallPhoneFile: smallPhone,
      memoryAfterIngest: ingestMemory,
      engagement,
      smallEngagement,
    },
    rows,
  };
}

const cpuNote = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v} s`)
    .join(', ');

/** Batch upsert (1,000 a call, 4 in flight) against one upsert per request (4 in flight), in a workspace of its own. */
export async function upsertSection(h: Harness): Promise<SectionResult> {
  const created = await call(h.apiUrl, 'POST', '/v1/admin/workspaces', { operatorKey: h.operatorKey }, { name: 'bench-upserts' });
  const ws = { id: created.workspace.id as string, apiKey: created.apiKey.key as string };
  const tags = Array.from({ length: 40 }, (_, i) => `Segment ${i}`);
  for (const name of tags) await call(h.apiUrl, 'POST', '/v1/tags', ws, { name });
  const contact = (i: number) => ({
    email: `batch${i}@example.com`,
    firstName: `First${i}`,
    tags: [tags[i % 40], tags[(i * 7) % 40]],
    labels: {
      source: ['facebook', 'google', 'newsletter'][i % 3],
      campaign: `spring-${i % 12}`,
      tier: ['gold', 'silver', 'bronze'][i % 3],
      region: `r${i % 20}`,
    },
  });
  const batchCount = h.smoke ? 4000 : 20_000;
  const batch = await timed(() =>
    inFlight(batchCount / 1000, 4, async (n) => {
      const answer = await call(h.apiUrl, 'POST', '/v1/contacts/batch-upsert', ws, {
        matchBy: 'email',
        contacts: Array.from({ length: 1000 }, (_, k) => contact(n * 1000 + k)),
      });
      if (answer.summary.failed > 0) throw new Error(`batch upsert: ${JSON.stringify(answer).slice(0, 500)}`);
    }),
  );
  const singleCount = h.smoke ? 200 : 1000;
  const single = await timed(() =>
    inFlight(singleCount, 4, async (n) => {
      await call(h.apiUrl, 'POST', '/v1/contacts/upsert', ws, { matchBy: 'email', contact: contact(1_000_000 + n) });
    }),
  );
  const batchRate = batchCount / (batch.ms / 1000);
  const singleRate = singleCount / (single.ms / 1000);
  return {
    figures: {
      batchContacts: batchCount,
      batchContactsPerSecond: Math.round(batchRate),
      singleContacts: singleCount,
      singleUpsertContactsPerSecond: Math.round(singleRate),
      ratioToSingleUpserts: round(batchRate / singleRate, 1),
    },
    rows: [
      {
        section: 'upsert',
        measure: 'batch upsert (1,000 a call, 4 in flight)',
        value: Math.round(batchRate),
        unit: 'contacts/s',
        note: `${round(batchRate / singleRate, 1)}x one upsert per request (${Math.round(singleRate)}/s)`,
      },
    ],
  };
}
