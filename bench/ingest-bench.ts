// The ingest section of `npm run bench`: a realistic CSV file (about 2 tags and 5 labels a row,
// 5% bad rows) from file start until every row is searchable, through the public API, with the
// rate of each stage, and batch upsert against one upsert per request. Runs on its own database,
// topics and index (a fresh test environment), with the indexer as its own process, as deployed.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { workspaceSearch } from '@segmenter/shared';
import { mapColumns, readContactCsv, rowToContactWrite } from '../services/api/src/contact-files/contact-csv-reader';
import { startApiService } from '../services/api/src/api-service';
import { spawnIndexer } from '../test/support/indexer-process';
import { ensureTestTopics } from '../test/support/kafka-helpers';
import { createTestEnvironment } from '../test/support/test-environment';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const TAG_POOL = Array.from({ length: 40 }, (_, i) => `Segment ${i}`);
const SOURCES = ['facebook', 'google', 'newsletter', 'import', 'referral'];
const TIERS = ['gold', 'silver', 'bronze'];

/** Writes the benchmark file: `rows` rows, ~2 tags and 5 labels each, one row in 20 bad in one of five ways. */
export async function writeIngestFile(file: string, rows: number): Promise<{ bad: number }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(
    'email,phone_number,first_name,last_name,city,country,email_status,created_at,tags,label_source,label_campaign,label_tier,label_region,label_plan\r\n',
  );
  let bad = 0;
  for (let i = 1; i <= rows; i++) {
    const tags = [TAG_POOL[i % 40]!, TAG_POOL[(i * 7) % 40]!, ...(i % 10 === 0 ? [TAG_POOL[(i * 13) % 40]!] : [])].filter((t, k, all) => all.indexOf(t) === k);
    const cells = [
      `person${i}@example.com`,
      i % 2 === 0 ? `+336${String(i % 100_000_000).padStart(8, '0')}` : '',
      `First${i % 5000}`,
      `Last${i % 7000}`,
      ['Paris', 'Berlin', 'New York', 'Lisbon'][i % 4]!,
      ['FR', 'DE', 'US', 'PT'][i % 4]!,
      i % 25 === 0 ? 'unsubscribed' : 'active',
      `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
      tags.join('|'),
      SOURCES[i % 5]!,
      `spring-${i % 12}`,
      TIERS[i % 3]!,
      `r${i % 20}`,
      i % 2 ? 'free' : 'pro',
    ];
    if (i % 20 === 7) {
      bad++;
      const kind = Math.floor(i / 20) % 5;
      if (kind === 0) cells[0] = `broken-${i}`;
      else if (kind === 1)
        cells[11] = 'gold\u0007plus'; // label values are printable text: a control character is bad
      else if (kind === 2) cells[6] = 'bouncing';
      else if (kind === 3) cells[7] = '2999-01-01';
      else cells[1] = '+1 nonsense';
    }
    await write(`${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\r\n`);
  }
  out.end();
  await once(out, 'finish');
  return { bad };
}

/** Parse and validate alone (no database): the ceiling of the upload stage on this machine. */
async function parseRate(file: string): Promise<number> {
  const started = performance.now();
  let mapping: ReturnType<typeof mapColumns>['columns'] = [];
  let rows = 0;
  for await (const event of readContactCsv(fs.createReadStream(file))) {
    if (event.kind === 'header') mapping = mapColumns(event.headers, { customFieldKeys: new Set(), matchBy: 'email' }).columns;
    else {
      rowToContactWrite(event.cells, mapping, { matchBy: 'email' });
      rows++;
    }
  }
  return rows / ((performance.now() - started) / 1000);
}

/**
 * CPU seconds used so far by each part of the stack on this machine, from /proc: where the time
 * of an import goes, on two cores that every stage shares. Linux only; empty elsewhere.
 */
export function cpuSecondsByService(indexerPid?: number): Record<string, number> {
  const tick = 100; // USER_HZ on Linux
  const totals: Record<string, number> = {};
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: a postmaster's reaped backends keep counting there.
      const seconds = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / tick;
      const service =
        Number(pid) === process.pid
          ? 'api (this process: upload, writer, relay)'
          : Number(pid) === indexerPid
            ? 'indexer'
            : /org\.elasticsearch|elasticsearch/.test(cmdline) && /java/.test(cmdline)
              ? 'elasticsearch'
              : /kafka/.test(cmdline) && /java/.test(cmdline)
                ? 'kafka'
                : /^postgres/.test(cmdline)
                  ? 'postgres'
                  : undefined;
      if (service) totals[service] = (totals[service] ?? 0) + seconds;
    } catch {
      // the process ended meanwhile
    }
  }
  return totals;
}

interface Sample {
  at: number;
  status: string;
  rowsRead: number;
  processed: number;
  written: number;
  indexed: number;
  outbox: number;
  searchable: number;
}

export async function runIngestBench(rowCounts: number[]): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  // The services' own defaults, unless a variable asks otherwise (to compare settings).
  const env = await createTestEnvironment({
    LOG_LEVEL: 'error',
    ...(process.env.BENCH_OUTBOX_BATCH ? { OUTBOX_BATCH_SIZE: process.env.BENCH_OUTBOX_BATCH } : {}),
  });
  await ensureTestTopics(env.config, env.log);
  const api = await startApiService(env.config, env.log);
  const indexer = spawnIndexer(env.config, process.env.BENCH_INDEXER_BATCH ? { INDEXER_MAX_BATCH_EVENTS: process.env.BENCH_INDEXER_BATCH } : {});
  const operator = { authorization: `Bearer ${env.config.api.operatorKey}`, 'content-type': 'application/json' };
  const newWorkspace = async (name: string) => {
    const created = (await (
      await fetch(`${api.url}/v1/admin/workspaces`, { method: 'POST', headers: operator, body: JSON.stringify({ name }) })
    ).json()) as any;
    return { id: created.workspace.id as string, key: created.apiKey.key as string };
  };
  try {
    for (const rows of rowCounts) {
      const file = path.resolve(__dirname, '..', '.cache', 'bench', `ingest-${rows}.csv`);
      log(`ingest: writing a ${rows}-row file`);
      const { bad } = await writeIngestFile(file, rows);
      const bytes = fs.statSync(file).size;
      const parsePerSecond = await parseRate(file);
      log(`ingest: parse + validate alone ${Math.round(parsePerSecond)} rows/s`);

      const ws = await newWorkspace(`ingest-${rows}`);
      const headers = { 'x-api-key': ws.key, 'content-type': 'application/json' };
      const created = (await (
        await fetch(`${api.url}/v1/imports`, { method: 'POST', headers, body: JSON.stringify({ createMissingTags: true, fileName: path.basename(file) }) })
      ).json()) as any;
      const samples: Sample[] = [];
      const cpuBefore = cpuSecondsByService(indexer.child.pid);
      const started = performance.now();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const view = (await (await fetch(`${api.url}/v1/imports/${created.id}`, { headers })).json()) as any;
          const outbox = (await env.pool.query('select count(*)::int as n from outbox where workspace_id = $1', [ws.id])).rows[0].n;
          const search = workspaceSearch(env.config.elasticsearch.contactsAlias, ws.id, []);
          const searchable = (await env.es.count({ index: search.index, routing: search.routing, query: search.query })).count;
          samples.push({ at: performance.now() - started, status: view.status, ...view.progress, outbox, searchable });
          if (['succeeded', 'failed', 'cancelled'].includes(view.status)) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
      const upload = await fetch(`${api.url}/v1/imports/${created.id}/file`, {
        method: 'PUT',
        headers: { 'x-api-key': ws.key, 'content-type': 'text/csv', 'content-length': String(bytes) },
        body: Readable.toWeb(fs.createReadStream(file)) as any,
        duplex: 'half',
      } as RequestInit);
      const uploadSeconds = (performance.now() - started) / 1000;
      if (upload.status !== 202) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
      await sampler;
      sampling = false;
      const totalSeconds = (performance.now() - started) / 1000;
      const cpuAfter = cpuSecondsByService(indexer.child.pid);
      const cpuSeconds = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, round(cpuAfter[k]! - (cpuBefore[k] ?? 0))]));
      const final = (await (await fetch(`${api.url}/v1/imports/${created.id}`, { headers })).json()) as any;
      if (final.status !== 'succeeded') throw new Error(`import ${final.status}: ${final.error}`);
      const firstAt = (pred: (s: Sample) => boolean) => (samples.find(pred)?.at ?? totalSeconds * 1000) / 1000;
      const writtenAt = firstAt((s) => s.processed >= final.progress.rowsRead);
      const relayedAt = firstAt((s) => s.processed >= final.progress.rowsRead && s.outbox === 0);
      const good = rows - bad;
      results[`ingest${rows}`] = {
        rows,
        badRows: bad,
        megabytes: round(bytes / 2 ** 20),
        created: final.progress.created,
        rejected: final.progress.rejected,
        searchable: samples[samples.length - 1]?.searchable,
        secondsFileToSearchable: round(totalSeconds),
        contactsPerSecondEndToEnd: Math.round(rows / totalSeconds),
        stages: {
          parseAndValidateAloneRowsPerSecond: Math.round(parsePerSecond),
          uploadRowsPerSecond: Math.round(rows / uploadSeconds),
          uploadSeconds: round(uploadSeconds),
          writtenToPostgresSeconds: round(writtenAt),
          writerRowsPerSecond: Math.round(rows / writtenAt),
          relayedToKafkaSeconds: round(relayedAt),
          relayEventsPerSecond: Math.round(good / relayedAt),
          searchableSeconds: round(totalSeconds),
          indexerContactsPerSecond: Math.round(good / totalSeconds),
        },
        ratioEndToEndToParseAlone: round(rows / totalSeconds / parsePerSecond, 2),
        // Where the time goes: CPU seconds per service during the import, against the machine's
        // capacity over the same wall time (cores x seconds).
        cpuSeconds,
        cpuCapacitySeconds: round(totalSeconds * (Number(process.env.BENCH_CORES) || (require('node:os') as typeof import('node:os')).availableParallelism())),
        cpuMicrosecondsPerRow: Math.round((Object.values(cpuSeconds).reduce((a, b) => a + b, 0) * 1e6) / rows),
      };
      log(`ingest ${rows}: ${JSON.stringify(results[`ingest${rows}`])}`);
    }

    // Batch upsert (1,000 a call, 4 in flight) against one upsert per request (4 in flight).
    const ws = await newWorkspace('batch-upsert');
    const headers = { 'x-api-key': ws.key, 'content-type': 'application/json' };
    const contact = (i: number) => ({
      email: `batch${i}@example.com`,
      firstName: `First${i}`,
      tags: [TAG_POOL[i % 40], TAG_POOL[(i * 7) % 40]],
      labels: { source: SOURCES[i % 5], campaign: `spring-${i % 12}`, tier: TIERS[i % 3], region: `r${i % 20}`, plan: i % 2 ? 'free' : 'pro' },
    });
    for (const name of TAG_POOL) await fetch(`${api.url}/v1/tags`, { method: 'POST', headers, body: JSON.stringify({ name }) });
    const inFlight = async (calls: number, call: (n: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < calls) await call(next++);
        }),
      );
    };
    const batchCount = Number(process.env.BENCH_BATCH_CONTACTS ?? 40_000);
    const batchStarted = performance.now();
    await inFlight(batchCount / 1000, async (n) => {
      const body = JSON.stringify({ matchBy: 'email', contacts: Array.from({ length: 1000 }, (_, k) => contact(n * 1000 + k)) });
      const res = await fetch(`${api.url}/v1/contacts/batch-upsert`, { method: 'POST', headers, body });
      const answer = (await res.json()) as any;
      if (res.status !== 200 || answer.summary.failed > 0) throw new Error(`batch upsert ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);
    });
    const batchRate = batchCount / ((performance.now() - batchStarted) / 1000);
    const singleCount = 2000;
    const singleStarted = performance.now();
    await inFlight(singleCount, async (n) => {
      const res = await fetch(`${api.url}/v1/contacts/upsert`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ matchBy: 'email', contact: contact(1_000_000 + n) }),
      });
      if (res.status !== 201) throw new Error(`upsert ${res.status}`);
      await res.arrayBuffer();
    });
    const singleRate = singleCount / ((performance.now() - singleStarted) / 1000);
    results.batchUpsert = {
      contacts: batchCount,
      tagsPerContact: 2,
      labelsPerContact: 5,
      contactsPerSecond: Math.round(batchRate),
      singleUpsertContactsPerSecond: Math.round(singleRate),
      ratioToSingleUpserts: round(batchRate / singleRate, 1),
    };
    log(`batch upsert: ${JSON.stringify(results.batchUpsert)}`);
  } finally {
    indexer.child.kill('SIGTERM');
    await indexer.exited;
    await api.stop();
    await env.cleanup();
  }
  return results;
}
