// `npm run bench:counts`: POST /v1/segments/count with 1 and with 50 queries, p50 and p95, and the
// SQL statements each request runs (the fewest seen), on a realistic workspace (20 tags, 5 custom fields, 5 saved
// segments using one another, queries naming tags, custom fields and saved segments).
//
// COUNT_BENCH_COMPARE_WITH=<another checkout> starts a second api from that checkout's code on the
// same database and index, and sends every request to both in turn (same data, same moment, the
// machine's noise shared), checking that both answer the same. BENCH_CONTACTS (default 5000) sizes
// the workspace, BENCH_ROUNDS (default 60) the requests of each size per api. Results print as
// JSON and go to .cache/bench/count-request-<time>.json.
import fs from 'node:fs';
import path from 'node:path';
import type { startApiService as startThisApi } from '../services/api/src/api-service';
import globalSetup from '../test/global-setup';
import globalTeardown from '../test/global-teardown';
import { createTestEnvironment, eventually, TestEnvironment } from '../test/support/test-environment';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const WARMUP = 5;
const COMPARE_WITH = process.env.COUNT_BENCH_COMPARE_WITH;
const CUSTOM_FIELDS = [
  { key: 'plan', type: 'string' },
  { key: 'score', type: 'number' },
  { key: 'renews', type: 'date' },
  { key: 'vip', type: 'boolean' },
  { key: 'region_code', type: 'string' },
] as const;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

type StartApi = typeof startThisApi;

/** Counts every SQL statement sent through a copy of `pg` (each checkout has its own). */
function countStatements(pgModulePath: string): () => number {
  const { Client } = require(pgModulePath) as typeof import('pg');
  let statements = 0;
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  } as typeof Client.prototype.query;
  return () => statements;
}

interface Target {
  name: string;
  url: string;
  statements: () => number;
  stop(): Promise<void>;
}

async function startTarget(name: string, checkout: string, env: TestEnvironment, jobRunner: boolean): Promise<Target> {
  const { startApiService } = require(path.join(checkout, 'services/api/src/api-service')) as { startApiService: StartApi };
  const statements = countStatements(require.resolve('pg', { paths: [path.join(checkout, 'services/api')] }));
  const api = await startApiService(env.config, env.log, { relay: false, jobRunner, retireGraceMs: 1000 });
  return { name, url: api.url, statements, stop: () => api.stop() };
}

/** Contacts straight into Postgres, in one statement: each has 2 of the 20 tags, a tier label and the custom fields. */
async function seedContacts(env: TestEnvironment, workspaceId: string): Promise<void> {
  await env.pool.query(
    `with seeded as (
       insert into contacts (workspace_id, email, phone, first_name, email_status, custom_fields, created_at)
       select $1, 'c' || i || '@example.com', case when i % 4 = 0 then '+1415' || lpad(i::text, 7, '0') end, 'Name' || (i % 1000),
              (array['active','active','active','unsubscribed','blacklisted'])[1 + i % 5],
              jsonb_build_object('score', i % 100, 'plan', (array['free','pro','team'])[1 + i % 3], 'vip', i % 7 = 0,
                                 'renews', to_char(now() + (i % 60) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'region_code', 'r' || (i % 12)),
              now() - (i % 365) * interval '1 day'
         from generate_series(1, $2) i
       returning id, regexp_replace(email, '[^0-9]', '', 'g')::int as n
     ), tagged as (
       insert into contact_tags (workspace_id, contact_id, tag_id)
       select $1, s.id, t.id from seeded s join tags t on t.workspace_id = $1 and t.name in ('Tag ' || s.n % 20, 'Tag ' || (s.n * 7 + 3) % 20)
     )
     insert into contact_labels (workspace_id, contact_id, key, value)
     select $1, id, 'tier', (array['gold','silver','bronze'])[1 + n % 3] from seeded`,
    [workspaceId, CONTACTS],
  );
}

/** The count requests: one query naming a tag, a custom field and a saved segment; and fifty of five shapes. */
function countBodies(tags: { id: string; name: string }[], segmentIds: string[]) {
  const shapes = [
    (i: number) => ({ text: `tag:"${tags[i % 20]!.name}" AND custom:plan = pro` }),
    (i: number) => ({ text: `segment:${segmentIds[2]} AND custom:score > ${i}` }),
    (i: number) => ({ segmentId: segmentIds[i % segmentIds.length]! }),
    (i: number) => ({ text: `(tag:"${tags[i % 20]!.name}" OR tag:"${tags[(i + 7) % 20]!.name}") AND custom:vip IS TRUE AND label:tier = gold` }),
    (i: number) => ({
      condition: {
        kind: 'and',
        conditions: [
          { kind: 'tag', op: 'any', tags: [tags[i % 20]!.id, tags[(i + 3) % 20]!.id] },
          { kind: 'custom', key: 'region_code', type: 'string', op: 'eq', values: [`r${i % 12}`] },
        ],
      },
    }),
  ];
  return {
    one: { queries: [{ text: `tag:"${tags[3]!.name}" AND custom:plan = pro AND segment:${segmentIds[2]}` }] },
    fifty: { queries: Array.from({ length: 50 }, (_, i) => shapes[i % shapes.length]!(i)) },
  };
}

async function main(): Promise<void> {
  await globalSetup();
  // Budgets far above the run's needs: the bench measures the requests, not the limits.
  const env = await createTestEnvironment({ LOG_LEVEL: 'error', RATE_LIMIT_REQUESTS: '1000000', SEARCH_COST_BUDGET: '100000000' });
  const targets: Target[] = [];
  const results: Record<string, unknown> = { contacts: CONTACTS, rounds: ROUNDS, node: process.version, startedAt: new Date().toISOString() };
  try {
    targets.push(await startTarget('this checkout', path.resolve(__dirname, '..'), env, true));
    if (COMPARE_WITH) targets.push(await startTarget(`compare: ${COMPARE_WITH}`, path.resolve(COMPARE_WITH), env, false));
    const url = targets[0]!.url;
    const operator = { authorization: `Bearer ${env.config.api.operatorKey}`, 'content-type': 'application/json' };
    const call = async (base: string, method: string, route: string, key: string, body?: unknown) => {
      const res = await fetch(`${base}${route}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await res.json()) as any;
      if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
      return answer;
    };

    const created = (await (
      await fetch(`${url}/v1/admin/workspaces`, { method: 'POST', headers: operator, body: JSON.stringify({ name: 'count-bench' }) })
    ).json()) as any;
    const workspaceId: string = created.workspace.id;
    const key: string = created.apiKey.key;
    const { rows: tags } = await env.pool.query(
      `insert into tags (workspace_id, name) select $1, 'Tag ' || i from generate_series(0, 19) i returning id, name`,
      [workspaceId],
    );
    for (const field of CUSTOM_FIELDS) await call(url, 'POST', '/v1/custom-fields', key, field);
    log(`seeding ${CONTACTS} contacts`);
    await seedContacts(env, workspaceId);
    const segmentIds: string[] = [];
    const save = async (name: string, text: string) => segmentIds.push((await call(url, 'POST', '/v1/segments', key, { name, text })).id);
    await save('Pro on tag 0', `tag:"${tags[0]!.name}" AND custom:plan = pro`);
    await save('High score gold', 'custom:score > 50 AND label:tier = gold');
    await save('Either', `segment:${segmentIds[0]} OR segment:${segmentIds[1]}`);
    await save('Renewing soon', 'custom:renews IN NEXT 30 DAYS');
    await save('Either, not tag 19', `segment:${segmentIds[2]} AND NOT tag:"${tags[19]!.name}"`);

    log('indexing (rebuild)');
    const job = (await (await fetch(`${url}/v1/admin/search-index/rebuild`, { method: 'POST', headers: operator, body: '{}' })).json()) as { id: string };
    const done = await eventually(
      async () => (await (await fetch(`${url}/v1/admin/search-index/jobs/${job.id}`, { headers: operator })).json()) as { status: string },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      10 * 60_000,
    );
    if (done.status !== 'succeeded') throw new Error(`rebuild ${done.status}`);

    const bodies = countBodies(tags, segmentIds);
    const samples = new Map(targets.map((t) => [t.name, { one: [] as number[], fifty: [] as number[], statements: { one: Infinity, fifty: Infinity } }]));
    const answers = new Map<string, string>();
    log(`measuring: ${WARMUP} warm-up and ${ROUNDS} measured requests of each size per api, interleaved`);
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      for (const size of ['one', 'fifty'] as const) {
        for (const target of r % 2 === 0 ? targets : [...targets].reverse()) {
          const before = target.statements();
          const started = performance.now();
          const answer = await call(target.url, 'POST', '/v1/segments/count', key, bodies[size]);
          const ms = performance.now() - started;
          const statements = target.statements() - before;
          const mine = samples.get(target.name)!;
          if (r >= WARMUP) mine[size].push(ms);
          // The fewest seen: a job runner's poll between two requests adds statements that are not the request's.
          mine.statements[size] = Math.min(mine.statements[size], statements);
          // Every api answers the same results (timings aside).
          const results = JSON.stringify(answer.results);
          if (answers.has(size) && answers.get(size) !== results) throw new Error(`${target.name} answered the ${size} request differently`);
          answers.set(size, results);
        }
      }
    }
    const figures = (name: string) => {
      const s = samples.get(name)!;
      return Object.fromEntries(
        (['one', 'fifty'] as const).map((size) => [
          size === 'one' ? '1 query' : '50 queries',
          { p50Ms: round(percentile(s[size], 50)), p95Ms: round(percentile(s[size], 95)), sqlStatementsPerRequest: s.statements[size] },
        ]),
      );
    };
    results.targets = Object.fromEntries(targets.map((t) => [t.name, figures(t.name)]));
    if (targets.length === 2) {
      const [mine, other] = targets.map((t) => samples.get(t.name)!);
      results.p50RatioCompareToThis = {
        '1 query': round(percentile(other!.one, 50) / percentile(mine!.one, 50), 2),
        '50 queries': round(percentile(other!.fifty, 50) / percentile(mine!.fifty, 50), 2),
      };
    }
    results.sampleAnswer = JSON.parse(answers.get('one')!);
  } finally {
    for (const target of targets.reverse()) await target.stop();
    await env.cleanup();
    await globalTeardown();
  }
  results.finishedAt = new Date().toISOString();
  const dir = path.resolve(__dirname, '..', '.cache', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `count-request-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  log(`written to ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
