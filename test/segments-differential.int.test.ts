// The segment compilers, proven differentially: random contacts (tags, labels, profile fields,
// statuses, custom fields of every type, activities) go into Postgres and, as the document
// builder makes them, into Elasticsearch; random condition trees are compiled to SQL (the
// reference) and to an Elasticsearch query, and evaluated in memory against each document; all
// three must return exactly the same contacts.
// fast-check shrinks a failure to the smallest tree and prints it with the seed to replay.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  compileToElasticsearch,
  Condition,
  contactDocument,
  ContactDocument,
  matchesDocument,
  checkCondition,
  normalizeCondition,
  EMAIL_STATUSES,
  ensureContactsIndex,
  matchingContactsSql,
  PHONE_STATUSES,
  targetAliasOf,
  workspaceSearch,
  indicesOf,
} from '@segmenter/shared';
import { refreshEngagement } from '../services/api/src/activities/activities-store';
import { SNAPSHOT_SELECT, toSnapshot } from '../services/api/src/contacts/contacts-store';
import { createTestEnvironment, TestEnvironment } from './support/test-environment';

let env: TestEnvironment;
let alias: string;
/** Each workspace's documents, for the in-memory evaluator. */
const documentsOf = new Map<string, ContactDocument[]>();

const TAGS = Array.from({ length: 4 }, () => randomUUID());
const LABEL_KEYS = ['tier', 'source', 'churned'];
// Label values are any printable text (issue 11, point 9): paths, signs, dates, dots, `=` (the
// index's key=value terms must stay unambiguous), spaces, quotes and non-Latin text.
const LABEL_VALUES = [
  'gold',
  'silver',
  'bronze',
  'fb',
  'g-1',
  '/promo',
  '/promo/summer',
  '200+',
  '2024-01-15',
  'google.com',
  'a=b',
  'gold star',
  'Gold',
  'say "hi"',
  'Ünïcödé 🎉',
];
const LABEL_PREFIXES = ['g', 'go', 's', 'f', '/', '/promo', '20', '2024-', 'a=', 'goo', 'gold s', 'Ü', '*', '?'];
const CATEGORIES = ['newsletter', 'offers', 'Product-Updates'];
// Unicode names whose lower case differs between naive and per-character folding (İ, final Σ).
const NAMES = ['Ada', 'ada', 'Grace', 'Bob', 'Ådne', 'İlker', 'ilker', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'];
const CITIES = ['Paris', 'paris', 'Berlin', 'Saint-Paul'];
const COUNTRIES = ['FR', 'DE', 'US'];
const PLANS = ['pro', 'basic', 'Pro Max'];
const FRAGMENTS = ['a', 'ar', 'AD', 'pa', 'x', 'Pro', 'in', '%', '_', 'İl', 'il', 'ΣΕ', 'σε', 'å'];
/** Emails, countries and phones spelled otherwise than stored (contact i has c<i>@example.com, +1415555<1000+i>). */
const TYPED_VALUES = [
  'GRACE',
  'c1@example.com',
  'C2@Example.COM',
  ' c3@example.com ',
  'fr',
  'De',
  'us',
  '+14155551004',
  '+1 (415) 555-1005',
  '+1 415.555.1006',
];
const PHONE_FRAGMENTS = ['+1 415', '555-10', '(415)', '+1415555100'];
const DAY = 86_400_000;

const dayString = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

interface GeneratedContact {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  city: string | null;
  country: string | null;
  subscriptionCategories: string[];
  emailStatus: string;
  phoneStatus: string;
  emailRating: number | null;
  createdDaysAgo: number;
  consentDaysAgo: number | null;
  deleted: boolean;
  tags: string[];
  labels: Record<string, string>;
  custom: Record<string, string | number | boolean>;
  activities: { channel: string; status: string; daysAgo: number }[];
  /** Exact instants, for the controlled-clock test; relative to now() (the days ago above) when absent. */
  createdAt?: string;
  consentAt?: string;
  activityAt?: string[];
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });

const contactArb: fc.Arbitrary<GeneratedContact> = fc.record({
  email: maybe(fc.constant('e')),
  phone: maybe(fc.constant('p')),
  firstName: maybe(fc.constantFrom(...NAMES)),
  city: maybe(fc.constantFrom(...CITIES)),
  country: maybe(fc.constantFrom(...COUNTRIES)),
  subscriptionCategories: fc.subarray(CATEGORIES),
  emailStatus: fc.constantFrom(...EMAIL_STATUSES),
  phoneStatus: fc.constantFrom(...PHONE_STATUSES),
  emailRating: maybe(fc.integer({ min: 0, max: 100 })),
  createdDaysAgo: fc.double({ min: 0, max: 60, noNaN: true }),
  consentDaysAgo: maybe(fc.double({ min: -5, max: 60, noNaN: true })),
  deleted: fc.boolean().map((b) => b && Math.random() < 0.2),
  tags: fc.subarray(TAGS),
  labels: fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES), { maxKeys: 3 }),
  custom: fc.record(
    {
      score: fc.oneof(fc.integer({ min: -5, max: 105 }), fc.double({ min: -5, max: 105, noNaN: true, noDefaultInfinity: true })),
      plan: fc.constantFrom(...PLANS),
      renews: fc.oneof(
        fc.integer({ min: -20, max: 20 }).map(dayString),
        fc.integer({ min: -20, max: 20 }).map((d) => `${dayString(d)}T10:00:00.000Z`),
      ),
      vip: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  activities: fc.array(
    fc.record({ channel: fc.constantFrom('email', 'sms'), status: fc.constantFrom('opened', 'clicked'), daysAgo: fc.double({ min: 0, max: 40, noNaN: true }) }),
    { maxLength: 6 },
  ),
});

async function loadContacts(workspaceId: string, contacts: GeneratedContact[]): Promise<void> {
  const ids: string[] = [];
  for (const [i, c] of contacts.entries()) {
    const email = c.email || !c.phone ? `c${i}@example.com` : null;
    const phone = c.phone ? `+1415555${String(1000 + i).padStart(4, '0')}` : null;
    const { rows } = await env.pool.query(
      `insert into contacts (workspace_id, email, phone, first_name, city, country, email_status, phone_status, email_rating, custom_fields, created_at, consent_at, deleted_at, subscription_categories)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($15::timestamptz, now() - $11 * interval '1 day'), coalesce($16::timestamptz, now() - $12 * interval '1 day'), case when $13 then now() end, $14) returning id`,
      [
        workspaceId,
        email,
        phone,
        c.firstName,
        c.city,
        c.country,
        c.emailStatus,
        c.phoneStatus,
        c.emailRating,
        c.custom,
        c.createdDaysAgo,
        c.consentDaysAgo,
        c.deleted,
        c.subscriptionCategories,
        c.createdAt ?? null,
        c.consentAt ?? null,
      ],
    );
    const id = rows[0].id as string;
    ids.push(id);
    for (const tag of c.tags) await env.pool.query('insert into contact_tags (workspace_id, contact_id, tag_id) values ($1, $2, $3)', [workspaceId, id, tag]);
    for (const [key, value] of Object.entries(c.labels)) {
      await env.pool.query('insert into contact_labels (workspace_id, contact_id, key, value) values ($1, $2, $3, $4)', [workspaceId, id, key, value]);
    }
    for (const at of c.activityAt ?? []) {
      await env.pool.query(`insert into activities (workspace_id, contact_id, channel, status, occurred_at) values ($1, $2, 'email', 'opened', $3)`, [
        workspaceId,
        id,
        at,
      ]);
    }
    for (const a of c.activities) {
      await env.pool.query(
        `insert into activities (workspace_id, contact_id, channel, status, occurred_at) values ($1, $2, $3, $4, now() - $5 * interval '1 day')`,
        [workspaceId, id, a.channel, a.status, a.daysAgo],
      );
    }
  }
  await refreshEngagement(env.pool, workspaceId, ids);
  const { rows } = await env.pool.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1`, [workspaceId]);
  const [index] = await indicesOf(env.es, alias);
  const documents = rows.map((r) => contactDocument(toSnapshot(r)));
  documentsOf.set(workspaceId, documents);
  const response = await env.es.bulk({
    refresh: true,
    require_alias: true,
    operations: documents.flatMap((d) => [
      { index: { _index: targetAliasOf(index!), _id: d.contact_id, routing: d.workspace_id, version: d.version, version_type: 'external' } },
      d,
    ]),
  });
  if (response.errors) throw new Error(`indexing failed: ${JSON.stringify(response.items.find((i) => i.index?.error))}`);
}

// Trees over the same pools as the data, so conditions hit and miss.
const dateOps = ['before', 'after', 'on', 'between', 'in_last_days', 'more_than_days_ago', 'in_next_days', 'empty', 'not_empty'] as const;
const dateArgs = (op: string) =>
  ['in_last_days', 'more_than_days_ago', 'in_next_days'].includes(op)
    ? fc.oneof(
        fc.integer({ min: 0, max: 60 }).map((days) => ({ days })),
        fc.integer({ min: 0, max: 3 }).map((months) => ({ months })),
      )
    : ['empty', 'not_empty'].includes(op)
      ? fc.constant({})
      : fc
          .tuple(fc.integer({ min: -60, max: 20 }), fc.integer({ min: 0, max: 30 }))
          .map(([from, span]) => ({ dates: op === 'between' ? [dayString(from), dayString(from + span)] : [dayString(from)] }));

const leafArb: fc.Arbitrary<Condition> = fc.oneof(
  fc
    .constantFrom('has', 'any', 'all', 'none')
    .chain((op) =>
      (op === 'has' ? fc.constantFrom(...TAGS).map((t) => [t]) : fc.subarray(TAGS, { minLength: 1 })).map((tags) => ({ kind: 'tag', op, tags }) as Condition),
    ),
  fc
    .tuple(
      fc.constantFrom(...LABEL_KEYS, 'absent'),
      fc.constantFrom('eq', 'neq', 'in', 'not_in', 'exists', 'not_exists', 'prefix'),
      fc.shuffledSubarray(LABEL_VALUES, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...LABEL_PREFIXES),
    )
    .map(
      ([key, op, list, prefix]) =>
        ({
          kind: 'label',
          key,
          op,
          values: op === 'exists' || op === 'not_exists' ? [] : op === 'in' || op === 'not_in' ? list : op === 'prefix' ? [prefix] : [list[0]!],
        }) as Condition,
    ),
  // Values as people type them (C1@Example.COM, fr, +1 (415) 555-1001): trees are normalised
  // like writes before compiling, as the api does (normalizeCondition in sameContacts).
  fc
    .tuple(
      fc.constantFrom('first_name', 'city', 'country', 'email', 'phone'),
      fc.constantFrom('eq', 'neq', 'in', 'contains', 'starts_with', 'empty', 'not_empty'),
      fc.shuffledSubarray([...NAMES, ...CITIES, ...COUNTRIES, ...TYPED_VALUES], { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...FRAGMENTS, ...PHONE_FRAGMENTS),
    )
    .map(
      ([field, op, list, fragment]) =>
        ({
          kind: 'text',
          field,
          op,
          values: op === 'empty' || op === 'not_empty' ? [] : op === 'in' ? list : op === 'contains' || op === 'starts_with' ? [fragment] : [list[0]!],
        }) as Condition,
    ),
  fc
    .tuple(
      fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 0, max: 50 }),
    )
    .map(
      ([op, a, span]) =>
        ({
          kind: 'number',
          field: 'email_rating',
          op,
          values: op === 'between' ? [a, Math.min(100, a + span)] : op === 'empty' || op === 'not_empty' ? [] : [a],
        }) as Condition,
    ),
  fc
    .tuple(fc.constantFrom('created_at', 'consent_at'), fc.constantFrom(...dateOps))
    .chain(([field, op]) => dateArgs(op).map((args) => ({ kind: 'date', field, op, ...args }) as Condition)),
  fc
    .constantFrom('email', 'phone')
    .chain((channel) =>
      fc
        .tuple(fc.constantFrom('in', 'not_in'), fc.subarray([...(channel === 'email' ? EMAIL_STATUSES : PHONE_STATUSES)], { minLength: 1 }))
        .map(([op, statuses]) => ({ kind: 'status', channel, op, statuses }) as Condition),
    ),
  fc.constantFrom('email', 'phone').map((channel) => ({ kind: 'sendable', channel }) as Condition),
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'),
        fc.integer({ min: -5, max: 105 }),
        fc.double({ min: 0, max: 40, noNaN: true }),
      )
      .map(
        ([op, a, span]) =>
          ({
            kind: 'custom',
            key: 'score',
            type: 'number',
            op,
            values: op === 'between' ? [a, a + span] : op === 'empty' || op === 'not_empty' ? [] : [a],
          }) as Condition,
      ),
    fc
      .tuple(
        fc.constantFrom('eq', 'neq', 'in', 'contains', 'starts_with', 'empty', 'not_empty'),
        fc.subarray(PLANS, { minLength: 1 }),
        fc.constantFrom(...FRAGMENTS),
      )
      .map(
        ([op, list, fragment]) =>
          ({
            kind: 'custom',
            key: 'plan',
            type: 'string',
            op,
            values: op === 'empty' || op === 'not_empty' ? [] : op === 'in' ? list : op === 'contains' || op === 'starts_with' ? [fragment] : [list[0]!],
          }) as Condition,
      ),
    fc.constantFrom(...dateOps).chain((op) =>
      dateArgs(op).map((args) => {
        const { dates, ...span } = args as { dates?: string[]; days?: number; months?: number };
        return { kind: 'custom', key: 'renews', type: 'date', op, values: dates ?? [], ...span } as Condition;
      }),
    ),
    fc.constantFrom('is_true', 'is_false', 'empty', 'not_empty').map((op) => ({ kind: 'custom', key: 'vip', type: 'boolean', op, values: [] }) as Condition),
  ),
  // Windows in days (weeks are 7 days) or calendar months, as relative dates.
  fc
    .tuple(
      fc.constantFrom('email', 'sms'),
      fc.constantFrom('opened', 'clicked'),
      fc.integer({ min: 1, max: 4 }),
      fc.oneof(
        fc.integer({ min: 1, max: 45 }).map((days) => ({ days })),
        fc.integer({ min: 1, max: 2 }).map((months) => ({ months })),
      ),
    )
    .map(([channel, status, atLeast, span]) => ({ kind: 'engagement', channel, status, atLeast, ...span }) as Condition),
  fc.oneof(
    fc.constantFrom(...CATEGORIES, 'absent').map((category) => ({ kind: 'subscription', op: 'has', categories: [category] }) as Condition),
    fc
      .tuple(fc.constantFrom('any', 'all', 'none'), fc.shuffledSubarray([...CATEGORIES, 'absent'], { minLength: 1, maxLength: 3 }))
      .map(([op, categories]) => ({ kind: 'subscription', op, categories }) as Condition),
  ),
);

const treeArb: fc.Arbitrary<Condition> = fc.letrec<{ tree: Condition }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((conditions) => ({ kind: 'and', conditions }) as Condition),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((conditions) => ({ kind: 'or', conditions }) as Condition),
    tie('tree').map((condition) => ({ kind: 'not', condition }) as Condition),
  ),
})).tree;

/** How many trees matched some but not all contacts: a test whose trees all match nothing proves nothing. */
const outcomes = { informative: 0, total: 0 };

/**
 * The three answers for `typed`, all with relative dates counted from one instant (`now`, or the
 * moment of the call), so a run that crosses midnight still compares like with like.
 */
async function sameContacts(workspaceId: string, typed: Condition, now = new Date()): Promise<string[]> {
  // Normalised like writes (emails, countries, phones), as the api does before compiling.
  const tree = normalizeCondition(typed);
  const { sql, params } = matchingContactsSql(workspaceId, tree, { now });
  const expected = (await env.pool.query(sql, params)).rows.map((r) => r.id as string).sort();
  const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(tree, { now })]);
  const response = await env.es.search({ ...search, size: 10_000, _source: false });
  const actual = response.hits.hits.map((h) => h._id!).sort();
  expect(actual).toEqual(expected);
  // The third implementation: the in-memory evaluator behind "which segments is this contact in".
  const evaluated = documentsOf
    .get(workspaceId)!
    .filter((d) => matchesDocument(tree, d, now))
    .map((d) => d.contact_id)
    .sort();
  expect(evaluated).toEqual(expected);
  outcomes.total += 1;
  if (expected.length > 0 && expected.length < LIVE_CONTACTS) outcomes.informative += 1;
  return expected;
}

let LIVE_CONTACTS = 0;

beforeAll(async () => {
  env = await createTestEnvironment();
  alias = env.config.elasticsearch.contactsAlias;
  await ensureContactsIndex(env.es, alias);
});
afterAll(async () => env?.cleanup());

async function newWorkspace(tags: string[]): Promise<string> {
  const { rows } = await env.pool.query("insert into workspaces (name) values ('differential') returning id");
  const workspaceId = rows[0].id as string;
  for (const [i, tag] of tags.entries()) await env.pool.query('insert into tags (id, workspace_id, name) values ($1, $2, $3)', [tag, workspaceId, `T${i}`]);
  return workspaceId;
}

test('Elasticsearch, Postgres and the in-memory evaluator return the same contacts for random trees', async () => {
  const workspaceId = await newWorkspace(TAGS);
  await loadContacts(workspaceId, fc.sample(contactArb, { numRuns: 150, seed: 4242 }));
  // Another workspace with the same kind of data must never leak into the answers (tag ids
  // belong to one workspace, so its contacts carry none).
  const other = await newWorkspace([]);
  await loadContacts(
    other,
    fc.sample(contactArb, { numRuns: 30, seed: 99 }).map((c) => ({ ...c, tags: [] })),
  );
  LIVE_CONTACTS = (await env.pool.query('select count(*)::int as n from contacts where workspace_id = $1 and deleted_at is null', [workspaceId])).rows[0].n;
  await fc.assert(
    fc.asyncProperty(treeArb, async (tree) => {
      await sameContacts(workspaceId, tree);
    }),
    { numRuns: Number(process.env.DIFFERENTIAL_RUNS ?? 400), seed: process.env.DIFFERENTIAL_SEED ? Number(process.env.DIFFERENTIAL_SEED) : undefined },
  );
  // Most trees must split the contacts, or agreement would be cheap.
  expect(outcomes.informative / outcomes.total).toBeGreaterThan(0.5);
});

test('the generators reach every kind of leaf and every operator family', () => {
  const kinds = new Set(fc.sample(leafArb, { numRuns: 2000, seed: 7 }).map((c) => `${c.kind}`));
  expect([...kinds].sort()).toEqual(['custom', 'date', 'engagement', 'label', 'number', 'sendable', 'status', 'subscription', 'tag', 'text']);
});

test('conditions typed otherwise than stored find the contacts writes stored, in all three backends', async () => {
  const workspaceId = await newWorkspace([]);
  const contacts = fc.sample(contactArb, { numRuns: 12, seed: 7 }).map((c, i) => ({
    ...c,
    tags: [],
    deleted: false,
    email: 'e',
    phone: 'p',
    country: i % 2 ? 'FR' : 'DE',
    labels: { landing_page: i % 3 ? '/promo' : '200+' },
  }));
  await loadContacts(workspaceId, contacts);
  const cases: [unknown, string][] = [
    [{ kind: 'text', field: 'email', op: 'eq', values: ['C3@Example.COM'] }, "email = 'c3@example.com'"],
    [{ kind: 'text', field: 'email', op: 'in', values: [' C1@EXAMPLE.com', 'c2@example.com'] }, "email in ('c1@example.com', 'c2@example.com')"],
    [{ kind: 'text', field: 'country', op: 'eq', values: ['fr'] }, "country = 'FR'"],
    [{ kind: 'text', field: 'country', op: 'neq', values: ['de'] }, "country <> 'DE'"],
    [{ kind: 'text', field: 'phone', op: 'eq', values: ['+1 (415) 555-1004'] }, "phone = '+14155551004'"],
    [{ kind: 'text', field: 'phone', op: 'in', values: ['+1 415.555.1005', '+14155551006'] }, "phone in ('+14155551005', '+14155551006')"],
    [{ kind: 'text', field: 'phone', op: 'starts_with', values: ['+1 415 555-100'] }, "phone like '+1415555100%'"],
    [
      { kind: 'label', key: 'landing_page', op: 'eq', values: ['/promo'] },
      "exists (select 1 from contact_labels l where l.contact_id = contacts.id and l.value = '/promo')",
    ],
    [
      { kind: 'label', key: 'landing_page', op: 'prefix', values: ['20'] },
      "exists (select 1 from contact_labels l where l.contact_id = contacts.id and l.value = '200+')",
    ],
  ];
  for (const [typed, storedForm] of cases) {
    const checked = checkCondition(typed);
    if ('problems' in checked) throw new Error(JSON.stringify(checked.problems));
    const { rows } = await env.pool.query(`select id from contacts where workspace_id = $1 and deleted_at is null and ${storedForm} order by id`, [
      workspaceId,
    ]);
    expect(rows.length).toBeGreaterThan(0);
    const { sql, params } = matchingContactsSql(workspaceId, checked.tree);
    expect((await env.pool.query(sql, params)).rows.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    await sameContacts(workspaceId, checked.tree);
  }
});

test('around midnight UTC, with a controlled clock, relative dates move by exactly one day in all three backends', async () => {
  const workspaceId = await newWorkspace([]);
  // Midnight UTC of a day in the past (the data is not tied to the real clock): 2026-03-01, after a 28-day February.
  const midnight = Date.parse('2026-03-01T00:00:00.000Z');
  const at = (ms: number) => new Date(ms).toISOString();
  const base = fc.sample(contactArb, { numRuns: 1, seed: 11 })[0]!;
  const instants = {
    justBefore: midnight - 1,
    atMidnight: midnight,
    thirtyDaysBefore: midnight - 30 * DAY,
    justBeforeThirtyDays: midnight - 30 * DAY - 1,
    monthBefore: Date.parse('2026-02-01T00:00:00.000Z'),
  };
  const names = Object.keys(instants) as (keyof typeof instants)[];
  await loadContacts(
    workspaceId,
    names.map((name) => ({
      ...base,
      tags: [],
      deleted: false,
      email: 'e',
      createdAt: at(instants[name]),
      consentAt: at(instants[name] + DAY),
      activities: [],
      activityAt: [at(instants[name])],
    })),
  );
  // Contact i was created at instants[names[i]] (loadContacts keeps the order, emails c<i>@example.com).
  const { rows } = await env.pool.query('select id, email from contacts where workspace_id = $1', [workspaceId]);
  const nameOf = new Map(rows.map((r) => [r.id as string, names[Number(/^c(\d+)@/.exec(r.email)![1])]!]));
  const members = async (tree: Condition, now: number) => (await sameContacts(workspaceId, tree, new Date(now))).map((id) => nameOf.get(id)).sort();

  const today: Condition = { kind: 'date', field: 'created_at', op: 'in_last_days', days: 0 };
  const lastThirty: Condition = { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 };
  const olderThanThirty: Condition = { kind: 'date', field: 'created_at', op: 'more_than_days_ago', days: 30 };
  const lastMonth: Condition = { kind: 'date', field: 'created_at', op: 'in_last_days', months: 1 };
  const openedToday: Condition = { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1, days: 0 };
  const consentTomorrow: Condition = { kind: 'date', field: 'consent_at', op: 'in_next_days', days: 1 };

  // One millisecond before midnight, "today" is 2026-02-28 (a relative range has no upper bound:
  // the contact created at midnight, in this clock's future, is in it).
  expect(await members(today, midnight - 1)).toEqual(['atMidnight', 'justBefore']);
  expect(await members(openedToday, midnight - 1)).toEqual(['atMidnight', 'justBefore']);
  // At midnight, and all through the day, it is 2026-03-01: the bounds move once, by one day.
  for (const now of [midnight, midnight + DAY - 1]) {
    expect(await members(today, now)).toEqual(['atMidnight']);
    expect(await members(openedToday, now)).toEqual(['atMidnight']);
    // 30 days before 2026-03-01 is 2026-01-30.
    expect(await members(lastThirty, now)).toEqual(['atMidnight', 'justBefore', 'monthBefore', 'thirtyDaysBefore']);
    expect(await members(olderThanThirty, now)).toEqual(['justBeforeThirtyDays']);
    expect(await members(lastMonth, now)).toEqual(['atMidnight', 'justBefore', 'monthBefore']);
    // Consent one day after creation: justBefore's is 2026-02-28T23:59:59.999 + 1 day, today's last millisecond.
    expect(await members(consentTomorrow, now)).toEqual(['atMidnight', 'justBefore']);
  }
  // The day before, the window starts on 2026-01-29: the contact a millisecond older than the
  // window at midnight is in it.
  expect(await members(lastThirty, midnight - 1)).toEqual(['atMidnight', 'justBefore', 'justBeforeThirtyDays', 'monthBefore', 'thirtyDaysBefore']);
  expect(await members(olderThanThirty, midnight - 1)).toEqual([]);
});
