// What segment membership events cost the indexer (issue 16: within 20% with 200 saved segments).
// A workspace of its own gets 100 tags and 200 saved segments of the shapes users write (tags,
// labels, statuses, sendability, relative dates, references to other segments); its contacts are
// copies of the loaded workspace's (full profiles, custom fields, engagement) that exist only as
// change events, indexed into an index of their own so the loaded data stays as Postgres has it.
// Passes of one small change per contact (a tag added or removed, one of 4 labels set, the email
// status toggled) go through the indexer's own code on the run's Elasticsearch and Kafka, with
// membership events off and on, in blocks of off, on, on, off so drift on a shared machine weighs
// on both. Two paths: through the indexer (the pass's events on a topic, read by a consumer group
// into the batch handler, as indexer-service.ts wires them: the figure the bound is about), and the
// batch handler alone (no fetch or decode, so the tracker's share is larger). Figures: events/s,
// and the ratio of the medians with the states of the pass before known (steady state) and read
// from the index (after a start).
import { randomUUID } from 'node:crypto';
import {
  type BatchHandlerContext,
  type ChangeEvent,
  type ConsumerLagProbe,
  createEventConsumer,
  createEventPublisher,
  createMetricsRegistry,
  ensureContactsIndex,
  ensureTopics,
  indicesOf,
  type IncomingMessage,
} from '@segmenter/shared';
import { createEventBatchHandler } from '../../services/indexer/src/event-batch-handler';
import { createIndexerMetrics } from '../../services/indexer/src/indexer-metrics';
import { createMembershipClock } from '../../services/indexer/src/membership/membership-clock';
import { createMembershipTracker, type PublishTransitions } from '../../services/indexer/src/membership/membership-tracker';
import { createSavedSegmentsCache } from '../../services/indexer/src/membership/saved-segments-cache';
import { SNAPSHOT_SELECT, toSnapshot } from '../../services/api/src/contacts/contacts-store';
import { call } from '../bench-api';
import type { SectionResult } from '../bench-context';
import type { Harness } from '../bench-harness';
import { Random } from '../bench-data';
import { round } from '../bench-stats';

const SEGMENTS = 200;
const TAGS = 100;
const TIERS = ['gold', 'silver', 'bronze'];
/** Label keys and their values: segments and changes pick among them. */
const LABELS: Record<string, string[]> = {
  tier: TIERS,
  source: ['facebook', 'google', 'referral', 'event', 'import'],
  plan: ['free', 'pro', 'team'],
  region: ['eu', 'us', 'apac', 'latam'],
};
const LABEL_KEYS = Object.keys(LABELS);
/** The bound: events/s with membership events at least 80% of without. */
const TARGET_RATIO = 0.8;

/** 200 segment texts over the workspace's tags and labels, cycling through eight shapes; every eighth refers to an earlier segment. */
function segmentTexts(random: Random, tag: () => string, savedIds: string[], i: number): string {
  const t = () => JSON.stringify(tag());
  const key = random.pick(LABEL_KEYS);
  const value = () => random.pick(LABELS[key]!);
  switch (i % 8) {
    case 0:
      return `tag:${t()}`;
    case 1:
      return `tag:${t()} AND label:${key} = ${value()}`;
    case 2:
      return `tag:${t()} OR tag:${t()}`;
    case 3:
      return `label:${key} IN [${value()}, ${value()}] AND NOT tag:${t()}`;
    case 4:
      return `email_status = unsubscribed AND tag:${t()}`;
    case 5:
      return `sendable:email AND label:${key} = ${value()}`;
    case 6:
      return `created IN LAST ${random.pick([7, 30, 90])} DAYS AND tag:${t()}`;
    default:
      return `segment:${random.pick(savedIds)} AND NOT label:${key} = ${value()}`;
  }
}

export async function membershipSection(h: Harness): Promise<SectionResult> {
  const random = new Random(20261216);
  const created = await call(h.apiUrl, 'POST', '/v1/admin/workspaces', { operatorKey: h.operatorKey }, { name: 'membership bench' });
  const workspace = { id: created.workspace.id as string, apiKey: created.apiKey.key as string };
  const tagIds: string[] = [];
  const tagNames: string[] = [];
  for (let i = 0; i < TAGS; i++) {
    const tag = await call(h.apiUrl, 'POST', '/v1/tags', workspace, { name: `Tag ${i}` });
    tagIds.push(tag.id);
    tagNames.push(tag.name);
  }
  const savedIds: string[] = [];
  for (let i = 0; i < SEGMENTS; i++) {
    const text = segmentTexts(random, () => random.pick(tagNames), savedIds, i);
    savedIds.push((await call(h.apiUrl, 'POST', '/v1/segments', workspace, { name: `m${i}`, text })).id);
  }

  const config = h.env.config;
  const kafka = { brokers: config.kafka.brokers, clientId: 'bench-membership' };
  // The run's topic prefix: the harness drops the topics and groups under it at the end.
  const topicPrefix = config.kafka.topics.contactEvents.slice(0, -'contact-events'.length);
  await ensureTopics(kafka, h.env.log, [{ topic: config.kafka.topics.segmentEvents, partitions: config.kafka.partitions }]);
  const publisher = await createEventPublisher(kafka, h.env.log);
  const lagProbe: ConsumerLagProbe = { lag: async () => [], close: async () => undefined } as unknown as ConsumerLagProbe;
  const metrics = createIndexerMetrics(createMetricsRegistry('indexer'), lagProbe, h.env.log);
  // An index of its own: the loaded workspace's documents stay as Postgres has them for the sections after this one.
  const alias = `${config.elasticsearch.indexPrefix}membership-bench`;
  await ensureContactsIndex(h.es, alias);
  const clock = createMembershipClock(h.pool, config.indexer.reevaluationIntervalMs);
  const newTracker = () =>
    createMembershipTracker({ es: h.es, alias, segments: createSavedSegmentsCache(h.pool), publisher, topic: config.kafka.topics.segmentEvents, clock });
  let currentTracker = newTracker();
  const handlerWith = (publishTransitions: PublishTransitions | undefined) =>
    createEventBatchHandler({
      es: h.es,
      alias,
      maxBatchEvents: config.indexer.maxBatchEvents,
      metrics,
      onIndexed: () => undefined,
      deadLetters: publisher,
      deadLetterTopic: config.kafka.topics.deadLetter,
      log: h.env.log,
      publishTransitions,
    });
  const context: BatchHandlerContext = { heartbeat: async () => undefined, markProcessed: () => undefined, isRunning: () => true };

  const contacts = h.smoke ? 4_000 : 20_000;
  const copied = await h.pool.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1 order by c.id limit $2`, [h.workspace.id, contacts]);
  const profiles = copied.rows.map(toSnapshot);
  const ids = profiles.map(() => randomUUID());
  // Each contact's state, changed by one small step a pass, as writes change contacts: a tag added or
  // removed, a label set, the email status toggled.
  const states = ids.map(() => ({ tagIds: [] as string[], labels: {} as Record<string, string>, emailStatus: 'active' as 'active' | 'unsubscribed' }));
  let offset = 0;
  const eventsOf = (version: number): IncomingMessage[] =>
    ids.map((id, i) => {
      const state = states[i]!;
      const step = random.next();
      if (version === 1) {
        state.tagIds = [...new Set(Array.from({ length: random.int(0, 3) }, () => random.pick(tagIds)))].sort();
        state.labels = Object.fromEntries(LABEL_KEYS.filter(() => random.chance(0.6)).map((k) => [k, random.pick(LABELS[k]!)]));
      } else if (step < 0.35) state.tagIds = [...new Set([...state.tagIds, random.pick(tagIds)])].sort();
      else if (step < 0.5) state.tagIds = state.tagIds.filter((_, j) => j !== random.int(0, state.tagIds.length - 1));
      else if (step < 0.9) {
        const k = random.pick(LABEL_KEYS);
        state.labels = { ...state.labels, [k]: random.pick(LABELS[k]!) };
      } else state.emailStatus = state.emailStatus === 'active' ? 'unsubscribed' : 'active';
      const event: ChangeEvent = {
        schemaVersion: 1,
        eventId: String(++offset),
        occurredAt: new Date().toISOString(),
        type: 'contact.upserted',
        created: version === 1,
        workspaceId: workspace.id,
        contactId: id,
        contact: {
          ...profiles[i]!,
          id,
          workspaceId: workspace.id,
          version,
          updatedAt: new Date().toISOString(),
          ...state,
          tagIds: [...state.tagIds],
          labels: { ...profiles[i]!.labels, ...state.labels },
        },
      };
      return {
        topic: config.kafka.topics.contactEvents,
        partition: 0,
        offset: String(offset),
        key: id,
        value: Buffer.from(JSON.stringify(event)),
        headers: {},
      };
    });

  type Mode = 'off' | 'cold' | 'warm';
  /** The messages as the consumer hands them over: fetches of up to INDEXER_MAX_BATCH_BYTES, as under a backlog. */
  function* fetches(messages: IncomingMessage[]): Generator<IncomingMessage[]> {
    let fetch: IncomingMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      if (bytes + message.value!.length > config.indexer.maxBatchBytes && fetch.length > 0) {
        yield fetch;
        [fetch, bytes] = [[], 0];
      }
      fetch.push(message);
      bytes += message.value!.length;
    }
    if (fetch.length > 0) yield fetch;
  }
  const metricValue = async () => (await metrics.membershipEvents.get()).values[0]?.value ?? 0;
  const membershipSeconds = async () => (await metrics.membershipSeconds.get()).values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  /** The handler alone: the pass's messages handed over in fetches as the consumer would, without fetching or decoding them. */
  async function handlerSeconds(messages: IncomingMessage[], handle: ReturnType<typeof handlerWith>): Promise<number> {
    const started = performance.now();
    for (const fetch of fetches(messages)) await handle(fetch, context);
    return (performance.now() - started) / 1000;
  }
  /**
   * Through the indexer: the pass's events on a topic of their own, read by a consumer group as the
   * indexer reads its topic (createEventConsumer: fetch, decode, the handler, offsets committed).
   * Timed from the first batch handed to the handler (the group's join is not the indexer's work)
   * to the last handled.
   */
  async function indexerSeconds(version: number, messages: IncomingMessage[], handle: ReturnType<typeof handlerWith>): Promise<number> {
    const topic = `${topicPrefix}membership-bench-${version}`;
    await ensureTopics(kafka, h.env.log, [{ topic, partitions: 1 }]);
    await publisher.publish(
      topic,
      messages.map((m) => ({ key: m.key!, value: m.value!.toString(), headers: {} })),
    );
    let handled = 0;
    let first: number | undefined;
    let finished!: (seconds: number) => void;
    let failed!: (err: unknown) => void;
    const done = new Promise<number>((resolve, reject) => ((finished = resolve), (failed = reject)));
    const settings = { groupId: topic, topic, fromBeginning: true, maxBytes: config.indexer.maxBatchBytes, maxWaitMs: config.indexer.lingerMs };
    const consumer = await createEventConsumer({ ...kafka, ...settings }, h.env.log, failed);
    try {
      await consumer.run(async (batch, ctx) => {
        first ??= performance.now();
        await handle(batch, ctx);
        handled += batch.length;
        if (handled >= messages.length) finished((performance.now() - first) / 1000);
      });
      return await done;
    } finally {
      await consumer.close();
    }
  }
  /** One pass of one change per contact; cold: a fresh tracker (states read from the index, as after a start), warm: the states of the pass before. */
  async function pass(version: number, mode: Mode, path: 'handler' | 'indexer') {
    const messages = eventsOf(version);
    const tracker = mode === 'cold' ? newTracker() : currentTracker;
    currentTracker = tracker;
    const handle = handlerWith(mode === 'off' ? undefined : tracker);
    const [published, trackedBefore] = [await metricValue(), await membershipSeconds()];
    const seconds = path === 'handler' ? await handlerSeconds(messages, handle) : await indexerSeconds(version, messages, handle);
    return {
      mode,
      path,
      eventsPerSecond: round(messages.length / seconds),
      transitions: (await metricValue()) - published,
      membershipShare: round(((await membershipSeconds()) - trackedBefore) / seconds, 2),
    };
  }

  try {
    // Version 1 creates the contacts (in the index: the states every later pass starts from).
    await pass(1, 'off', 'handler');
    // Blocks of off, cold, warm, off: drift on a shared machine weighs on both sides alike. The
    // indexer's path (consumer and handler) is the figure the bound is about; the handler alone
    // (no fetching or decoding, which cost the same either way) is the harsher ratio.
    const block: Mode[] = ['off', 'cold', 'warm', 'off'];
    const order = (['indexer', 'handler'] as const).flatMap((path) => (h.smoke ? block : [...block, ...block]).map((mode) => ({ mode, path })));
    const passes: Awaited<ReturnType<typeof pass>>[] = [];
    for (const [i, { mode, path }] of order.entries()) passes.push(await pass(i + 2, mode, path));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
    const rate = (mode: Mode, path: 'handler' | 'indexer') => median(passes.filter((p) => p.mode === mode && p.path === path).map((p) => p.eventsPerSecond));
    const tracked = passes.filter((p) => p.mode !== 'off');
    const transitionsPerChange = round(tracked.reduce((n, p) => n + p.transitions, 0) / (tracked.length * contacts), 2);
    if (transitionsPerChange === 0) throw new Error('membership passes published no transition: the measurement would not measure anything');
    const note = `${contacts.toLocaleString('en-US')} contacts (copies of loaded profiles), ${SEGMENTS} saved segments, one change per contact per pass, fetches of ${config.indexer.maxBatchBytes / 2 ** 20} MiB in slices of ${config.indexer.maxBatchEvents}`;
    const trackerShare = (path: 'handler' | 'indexer') => median(passes.filter((p) => p.mode === 'warm' && p.path === path).map((p) => p.membershipShare));
    const figures = { contacts, segments: SEGMENTS, passes, transitionsPerChange } as Record<string, unknown>;
    const rows: SectionResult['rows'] = [];
    for (const path of ['indexer', 'handler'] as const) {
      const [without, warm, cold] = [rate('off', path), rate('warm', path), rate('cold', path)];
      Object.assign(figures, { [`${path}EventsPerSecondWithout`]: without, [`${path}EventsPerSecondWarm`]: warm, [`${path}EventsPerSecondCold`]: cold });
      const where = path === 'indexer' ? 'through the indexer (Kafka consumer and handler)' : 'the batch handler alone';
      rows.push(
        { section: 'membership', measure: `events/s ${where}, membership events off (median pass)`, value: without, unit: 'events/s', note },
        {
          section: 'membership',
          measure: `with / without membership events, ${where} (states known: steady state)`,
          value: round(warm / without, 2),
          unit: '×',
          ...(path === 'indexer' ? { target: { op: '>=' as const, value: TARGET_RATIO } } : {}),
          note: `${warm.toLocaleString('en-US')} events/s; ${transitionsPerChange} transitions published per change; ${trackerShare(path)} of the time in the tracker`,
        },
        {
          section: 'membership',
          measure: `with / without membership events, ${where} (states read from the index: after a start)`,
          value: round(cold / without, 2),
          unit: '×',
          note: `${cold.toLocaleString('en-US')} events/s`,
        },
      );
    }
    return { figures, rows };
  } finally {
    await publisher.close();
    const indices = await indicesOf(h.es, alias);
    if (indices.length > 0) await h.es.indices.delete({ index: indices, ignore_unavailable: true });
  }
}
