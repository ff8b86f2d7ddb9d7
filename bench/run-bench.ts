// `npm run bench`: the search index's speed, measured on the real stack with ratios against baselines
// taken in the same run (the machine is shared and noisy, so absolute numbers drift; ratios less).
//
//   seed        N contacts straight into Postgres (SQL), one large workspace and a small one
//   rebuild     the rebuild job copying Postgres into a new index     vs  raw _bulk of the same documents
//   indexer     events through Kafka and the indexer into the index   vs  raw _bulk of the same documents
//   counts      GET /v1/counts for the large workspace (ES)          vs  the same numbers in SQL
//   filter      a segment-like filter count in Elasticsearch         vs  the same count in SQL
//   ryw         write, then a count waiting on its consistency token vs  the index refresh interval
//   segment     a segment counted through the API (text -> Elasticsearch) vs the reference SQL compiler
//   stream      every member streamed as NDJSON through the API vs paging the PIT directly; RSS growth
//   reconcile   a check-only reconcile of the large workspace (contacts/s)
//   ingest      a CSV file through the import API until every row is searchable, each stage's rate,
//               and batch upsert vs one upsert per request (bench/ingest-bench.ts)
//
// BENCH_SECTIONS (default "indexing,ingest") picks the parts; BENCH_INGEST_ROWS (default 100000)
// the file sizes, comma-separated (the figures: 100000,1000000).
// BENCH_CONTACTS (default 200000) sizes the large workspace; BENCH_EVENTS (default 50000) the
// indexer run. Results print as one JSON document (every section side by side) and go to
// .cache/bench/bench-<time>.json.
import fs from 'node:fs';
import path from 'node:path';
import { contactDocument, CONTACTS_MAPPING, CONTACTS_SETTINGS, matchingContactsSql, parseSegment, workspaceSearch } from '@segmenter/shared';
import { startApiService } from '../services/api/src/api-service';
import { runIngestBench } from './ingest-bench';
import { SNAPSHOT_SELECT, toSnapshot } from '../services/api/src/contacts/contacts-store';
import { startIndexerService } from '../services/indexer/src/indexer-service';
import globalSetup from '../test/global-setup';
import globalTeardown from '../test/global-teardown';
import { contactUpserted, newId } from '../test/support/contact-events';
import { ensureTestTopics, publishEvents } from '../test/support/kafka-helpers';
import { createTestEnvironment, eventually, TestEnvironment } from '../test/support/test-environment';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 200_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const results: Record<string, unknown> = { contacts: CONTACTS, events: EVENTS, node: process.version, startedAt: new Date().toISOString() };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Seeds `count` contacts with 20 tags of the workspace's own; returns the tag ids. */
async function seed(env: TestEnvironment, workspaceId: string, count: number): Promise<string[]> {
  const { rows: tags } = await env.pool.query(`insert into tags (workspace_id, name) select $1, 'Tag ' || i from generate_series(0, 19) i returning id`, [
    workspaceId,
  ]);
  const tagIds = tags.map((t) => t.id as string);
  // Realistic shape: 20 tags (each contact has 2), 3 labels, custom fields, engagement, statuses.
  await env.pool.query(
    `insert into contacts (workspace_id, email, phone, first_name, email_status, custom_fields, engagement, created_at)
     select $1, 'c' || i || '@example.com', case when i % 4 = 0 then '+1415' || lpad(i::text, 7, '0') end, 'Name' || (i % 1000),
            (array['active','active','active','unsubscribed','blacklisted'])[1 + i % 5],
            jsonb_build_object('score', i % 100, 'plan', (array['free','pro','team'])[1 + i % 3]),
            case when i % 3 = 0 then jsonb_build_object('email.opened', jsonb_build_array(to_char(now() - (i % 30) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) else '{}'::jsonb end,
            now() - (i % 365) * interval '1 day'
       from generate_series(1, $2) i`,
    [workspaceId, count],
  );
  await env.pool.query(
    `insert into contact_tags (workspace_id, contact_id, tag_id)
     select c.workspace_id, c.id, t.tag_id from contacts c
       cross join lateral (select unnest(array[($2::uuid[])[1 + abs(hashtext(c.id::text)) % 20], ($2::uuid[])[1 + abs(hashtext(c.id::text || 'x')) % 20]]) as tag_id) t
      where c.workspace_id = $1 on conflict do nothing`,
    [workspaceId, tagIds],
  );
  await env.pool.query(
    `insert into contact_labels (workspace_id, contact_id, key, value)
     select c.workspace_id, c.id, l.key, l.value from contacts c
       cross join lateral (values ('tier', (array['gold','silver','bronze'])[1 + abs(hashtext(c.id::text)) % 3]),
                                  ('source', (array['facebook','google','import'])[1 + abs(hashtext(c.id::text || 's')) % 3])) l(key, value)
      where c.workspace_id = $1`,
    [workspaceId],
  );
  await env.pool.query(
    `insert into contact_labels (workspace_id, contact_id, key, value)
     select workspace_id, id, 'churned', 'yes' from contacts where workspace_id = $1 and abs(hashtext(id::text)) % 10 = 0`,
    [workspaceId],
  );
  await env.pool.query('analyze contacts; analyze contact_tags; analyze contact_labels');
  return tagIds;
}

/**
 * Raw _bulk of documents into a scratch index: Elasticsearch's own ingest rate here, the baseline.
 * Deliberately not the document writer (search-index/contact-document-writer.ts): this is what it is measured against.
 */
async function rawBulk(env: TestEnvironment, documents: ReturnType<typeof contactDocument>[], index: string): Promise<number> {
  await env.es.indices.create({ index, settings: CONTACTS_SETTINGS, mappings: CONTACTS_MAPPING });
  const { ms } = await timed(async () => {
    for (let i = 0; i < documents.length; i += 1000) {
      const page = documents.slice(i, i + 1000);
      const res = await env.es.bulk({ operations: page.flatMap((d) => [{ index: { _index: index, _id: d.contact_id, routing: d.workspace_id } }, d]) });
      if (res.errors) throw new Error('raw bulk failed');
    }
    await env.es.indices.refresh({ index });
  });
  await env.es.indices.delete({ index });
  return documents.length / (ms / 1000);
}

async function sampleDocuments(env: TestEnvironment, workspaceId: string, limit: number) {
  const { rows } = await env.pool.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1 order by c.id limit $2`, [workspaceId, limit]);
  return rows.map((r) => contactDocument(toSnapshot(r)));
}

const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'indexing,ingest').split(','));

async function main(): Promise<void> {
  await globalSetup();
  try {
    if (SECTIONS.has('indexing')) await indexingSections();
    if (SECTIONS.has('ingest')) Object.assign(results, await runIngestBench((process.env.BENCH_INGEST_ROWS ?? '100000').split(',').map(Number)));
  } finally {
    await globalTeardown();
  }
  results.finishedAt = new Date().toISOString();
  const dir = path.resolve(__dirname, '..', '.cache', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  log(`written to ${file}`);
}

async function indexingSections(): Promise<void> {
  const env = await createTestEnvironment({ LOG_LEVEL: 'error', OUTBOX_POLL_INTERVAL_MS: '20' });
  await ensureTestTopics(env.config, env.log);
  const api = await startApiService(env.config, env.log, { retireGraceMs: 1000 });
  const operator = { authorization: `Bearer ${env.config.api.operatorKey}`, 'content-type': 'application/json' };
  const alias = env.config.elasticsearch.contactsAlias;
  try {
    const created = (await (
      await fetch(`${api.url}/v1/admin/workspaces`, { method: 'POST', headers: operator, body: JSON.stringify({ name: 'bench' }) })
    ).json()) as any;
    const workspaceId: string = created.workspace.id;
    const key: string = created.apiKey.key;
    const small = (await (
      await fetch(`${api.url}/v1/admin/workspaces`, { method: 'POST', headers: operator, body: JSON.stringify({ name: 'small' }) })
    ).json()) as any;
    let tagIds: string[] = [];

    log(`seeding ${CONTACTS} contacts (+${CONTACTS / 10} in another workspace)`);
    const seeded = await timed(async () => {
      tagIds = await seed(env, workspaceId, CONTACTS);
      await seed(env, small.workspace.id, Math.round(CONTACTS / 10));
    });
    results.seedSeconds = round(seeded.ms / 1000);
    const total = CONTACTS + Math.round(CONTACTS / 10);

    // Baseline first: Elasticsearch's raw ingest of these documents.
    const baselineDocs = await sampleDocuments(env, workspaceId, Math.min(50_000, CONTACTS));
    const rawRate = await rawBulk(env, baselineDocs, `${env.config.elasticsearch.indexPrefix}raw-baseline`);
    log(`raw _bulk baseline: ${Math.round(rawRate)} docs/s`);

    log('rebuild');
    const rebuild = await timed(async () => {
      const job = (await (await fetch(`${api.url}/v1/admin/search-index/rebuild`, { method: 'POST', headers: operator, body: '{}' })).json()) as { id: string };
      return eventually(
        async () => (await (await fetch(`${api.url}/v1/admin/search-index/jobs/${job.id}`, { headers: operator })).json()) as { status: string; done: number },
        (j) => j.status === 'succeeded' || j.status === 'failed',
        60 * 60_000,
      );
    });
    if (rebuild.value.status !== 'succeeded') throw new Error(`rebuild ${rebuild.value.status}`);
    const rebuildRate = total / (rebuild.ms / 1000);
    results.rebuild = {
      contacts: total,
      seconds: round(rebuild.ms / 1000),
      contactsPerSecond: Math.round(rebuildRate),
      rawBulkDocsPerSecond: Math.round(rawRate),
      ratioToRawBulk: round(rebuildRate / rawRate, 2),
    };

    // Counts: the dashboard numbers from Elasticsearch vs the same numbers from Postgres.
    const countsMs: number[] = [];
    for (let i = 0; i < 25; i++) countsMs.push((await timed(() => fetch(`${api.url}/v1/counts`, { headers: { 'x-api-key': key } }).then((r) => r.json()))).ms);
    const sqlCountsMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      sqlCountsMs.push(
        (
          await timed(async () => {
            await env.pool.query(
              `select count(*), count(*) filter (where email_status = 'active' and email is not null), count(*) filter (where phone_status = 'active' and phone is not null)
                 from contacts where workspace_id = $1 and deleted_at is null`,
              [workspaceId],
            );
            await env.pool.query('select email_status, count(*) from contacts where workspace_id = $1 and deleted_at is null group by 1', [workspaceId]);
            await env.pool.query(
              'select t.tag_id, count(*) from contact_tags t join contacts c on c.id = t.contact_id where t.workspace_id = $1 and c.deleted_at is null group by 1',
              [workspaceId],
            );
            await env.pool.query(
              'select l.key, count(*) from contact_labels l join contacts c on c.id = l.contact_id where l.workspace_id = $1 and c.deleted_at is null group by 1',
              [workspaceId],
            );
          })
        ).ms,
      );
    }
    results.counts = {
      esP50Ms: round(percentile(countsMs.slice(5), 50)),
      esP95Ms: round(percentile(countsMs.slice(5), 95)),
      sqlP50Ms: round(percentile(sqlCountsMs, 50)),
      ratioEsToSql: round(percentile(countsMs.slice(5), 50) / percentile(sqlCountsMs, 50), 3),
    };

    // A segment-like filter: label:tier IN [gold, silver] AND tag AND label:churned NOT EXISTS AND created in the last 90 days.
    const filter = [
      { terms: { labels: ['tier=gold', 'tier=silver'] } },
      { term: { tag_ids: tagIds[0] } },
      { bool: { must_not: [{ term: { label_keys: 'churned' } }] } },
      { range: { created_at: { gte: 'now-90d/d' } } },
    ];
    const esFilterMs: number[] = [];
    let esCount = 0;
    for (let i = 0; i < 25; i++) {
      const search = workspaceSearch(alias, workspaceId, filter);
      const { ms, value } = await timed(() => env.es.count({ index: search.index, routing: search.routing, query: search.query }));
      esFilterMs.push(ms);
      esCount = value.count;
    }
    const sqlFilterMs: number[] = [];
    let sqlCount = 0;
    for (let i = 0; i < 5; i++) {
      const { ms, value } = await timed(() =>
        env.pool.query(
          `select count(*)::int as n from contacts c
            where c.workspace_id = $1 and c.deleted_at is null and c.created_at >= date_trunc('day', now()) - interval '90 days'
              and exists (select 1 from contact_labels l where l.contact_id = c.id and l.key = 'tier' and l.value in ('gold', 'silver'))
              and exists (select 1 from contact_tags t where t.contact_id = c.id and t.tag_id = $2)
              and not exists (select 1 from contact_labels l where l.contact_id = c.id and l.key = 'churned')`,
          [workspaceId, tagIds[0]],
        ),
      );
      sqlFilterMs.push(ms);
      sqlCount = value.rows[0].n;
    }
    results.filterCount = {
      matches: esCount,
      sameAsSql: esCount === sqlCount,
      esP50Ms: round(percentile(esFilterMs.slice(5), 50)),
      sqlP50Ms: round(percentile(sqlFilterMs, 50)),
      ratioEsToSql: round(percentile(esFilterMs.slice(5), 50) / percentile(sqlFilterMs, 50), 3),
    };

    // The segment engine: the same segment through the API (text, compiled to Elasticsearch) vs
    // the reference SQL compiler over Postgres.
    const segmentText = 'label:tier IN [gold, silver] AND tag:"Tag 0" AND label:churned NOT EXISTS AND created IN LAST 90 DAYS';
    const apiMs: number[] = [];
    let apiTotal = 0;
    for (let i = 0; i < 25; i++) {
      const { ms, value } = await timed(
        async () =>
          (
            await fetch(`${api.url}/v1/segments/count`, {
              method: 'POST',
              headers: { 'x-api-key': key, 'content-type': 'application/json' },
              body: JSON.stringify({ queries: [{ text: segmentText }] }),
            })
          ).json() as Promise<any>,
      );
      apiMs.push(ms);
      apiTotal = value.results[0].total;
    }
    const tree = parseSegment(segmentText);
    const resolvedTree = JSON.parse(JSON.stringify(tree).replace('"Tag 0"', JSON.stringify(tagIds[0])));
    const referenceSql = matchingContactsSql(workspaceId, resolvedTree);
    const referenceMs: number[] = [];
    let referenceTotal = 0;
    for (let i = 0; i < 5; i++) {
      const { ms, value } = await timed(() => env.pool.query(`select count(*)::int as n from (${referenceSql.sql}) m`, referenceSql.params));
      referenceMs.push(ms);
      referenceTotal = value.rows[0].n;
    }
    results.segmentCount = {
      text: segmentText,
      total: apiTotal,
      sameAsReferenceSql: apiTotal === referenceTotal,
      apiP50Ms: round(percentile(apiMs.slice(5), 50)),
      apiP95Ms: round(percentile(apiMs.slice(5), 95)),
      referenceSqlP50Ms: round(percentile(referenceMs, 50)),
      ratioApiToSql: round(percentile(apiMs.slice(5), 50) / percentile(referenceMs, 50), 3),
    };

    // Streaming every member: the API's NDJSON stream vs paging the same point in time directly.
    log('member stream');
    const rssStart = process.memoryUsage().rss;
    let rssMax = rssStart;
    const rssSampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
    const streamed = await timed(async () => {
      const res = await fetch(`${api.url}/v1/segments/members`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { text: 'sendable:email' } }),
      });
      let lines = 0;
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) lines += (decoder.decode(chunk, { stream: true }).match(/\n/g) ?? []).length;
      return lines;
    });
    clearInterval(rssSampler);
    const direct = await timed(async () => {
      const search = workspaceSearch(alias, workspaceId, [{ bool: { filter: [{ term: { email_status: 'active' } }, { exists: { field: 'email' } }] } }]);
      let pit = (await env.es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: '2m' })).id;
      let after: (string | number)[] | undefined;
      let n = 0;
      for (;;) {
        const page: any = await env.es.search({
          pit: { id: pit, keep_alive: '2m' },
          size: 1000,
          query: search.query,
          sort: [{ contact_id: 'asc' }],
          _source: ['contact_id'],
          track_total_hits: false,
          ...(after ? { search_after: after } : {}),
        });
        pit = page.pit_id ?? pit;
        n += page.hits.hits.length;
        if (page.hits.hits.length < 1000) break;
        after = page.hits.hits[page.hits.hits.length - 1].sort;
      }
      await env.es.closePointInTime({ id: pit });
      return n;
    });
    results.memberStream = {
      members: streamed.value,
      sameAsDirect: streamed.value === direct.value,
      seconds: round(streamed.ms / 1000),
      membersPerSecond: Math.round(streamed.value / (streamed.ms / 1000)),
      directPitMembersPerSecond: Math.round(direct.value / (direct.ms / 1000)),
      ratioToDirectPit: round(direct.ms / streamed.ms, 2),
      rssGrowthMiB: Math.round((rssMax - rssStart) / 2 ** 20),
    };

    log('reconcile (check only)');
    const reconcile = await timed(async () => {
      const job = (await (
        await fetch(`${api.url}/v1/admin/search-index/reconcile`, { method: 'POST', headers: operator, body: JSON.stringify({ workspaceId }) })
      ).json()) as { id: string };
      return eventually(
        async () => (await (await fetch(`${api.url}/v1/admin/search-index/jobs/${job.id}`, { headers: operator })).json()) as { status: string; result: any },
        (j) => j.status === 'succeeded' || j.status === 'failed',
        60 * 60_000,
      );
    });
    results.reconcile = {
      contacts: CONTACTS,
      seconds: round(reconcile.ms / 1000),
      contactsPerSecond: Math.round(CONTACTS / (reconcile.ms / 1000)),
      drift: reconcile.value.result?.drift,
    };

    // The indexer: events already in Kafka, then one indexer drains them.
    log(`indexer: ${EVENTS} events`);
    const eventWorkspace = newId();
    const ids = Array.from({ length: EVENTS }, newId);
    for (let i = 0; i < ids.length; i += 5000)
      await publishEvents(
        env.config,
        ids.slice(i, i + 5000).map((id) => contactUpserted(eventWorkspace, id, 1, { labels: { tier: 'gold' }, tagIds: [tagIds[1]!] })),
      );
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200);
    const indexed = await timed(async () => {
      const indexer = await startIndexerService(env.config, env.log);
      try {
        await eventually(
          async () => {
            const search = workspaceSearch(alias, eventWorkspace, []);
            await env.es.indices.refresh({ index: alias });
            return (await env.es.count({ index: search.index, routing: search.routing, query: search.query })).count;
          },
          (n) => n === EVENTS,
          60 * 60_000,
        );
      } finally {
        // The indexer keeps running for the read-your-writes round below.
        (globalThis as any).__benchIndexer = indexer;
      }
    });
    clearInterval(sampler);
    const indexerRate = EVENTS / (indexed.ms / 1000);
    results.indexer = {
      events: EVENTS,
      seconds: round(indexed.ms / 1000),
      eventsPerSecond: Math.round(indexerRate),
      ratioToRawBulk: round(indexerRate / rawRate, 2),
      rssGrowthMiB: Math.round((rssPeak - rssBefore) / 2 ** 20),
    };

    log('read-your-writes');
    const waits: number[] = [];
    const contactIds = (await env.pool.query('select id from contacts where workspace_id = $1 limit 30', [workspaceId])).rows.map((r) => r.id);
    for (const [i, id] of contactIds.entries()) {
      const write = await fetch(`${api.url}/v1/contacts/${id}/labels`, {
        method: 'PATCH',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ set: { ryw: `v${i}` } }),
      });
      const token = write.headers.get('consistency-token');
      const { ms } = await timed(() =>
        fetch(`${api.url}/v1/consistency?consistencyToken=${token}&waitMs=30000`, { headers: { 'x-api-key': key } }).then((r) => r.json()),
      );
      waits.push(ms);
    }
    results.readYourWrites = {
      writes: waits.length,
      p50Ms: Math.round(percentile(waits, 50)),
      p95Ms: Math.round(percentile(waits, 95)),
      refreshIntervalMs: 1000,
      ratioP50ToRefresh: round(percentile(waits, 50) / 1000, 2),
    };
    await (globalThis as any).__benchIndexer?.stop();
  } finally {
    await api.stop();
    await env.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
