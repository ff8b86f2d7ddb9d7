// The tracker's choice of a contact's state before a batch: none for a contact the batch creates
// (never read from the index), the one it saw last when that is the version just before, the
// index's otherwise. Elasticsearch is a stand-in that records the multi-gets asked of it and
// answers "not found": what is read, and when, is the behaviour under test here; the real index
// and topic are in test/membership-events.int.test.ts.
import { randomUUID } from 'node:crypto';
import type { EsClient, EventPublisher, OutgoingMessage } from '@segmenter/shared';
import { contactUpserted } from '../../../../test/support/contact-events';
import { createMembershipTracker } from './membership-tracker';
import type { SavedSegmentsCache } from './saved-segments-cache';
import { watchedSegments } from './watched-segments';

const WORKSPACE = randomUUID();
const TAG = randomUUID();
const SEGMENT = randomUUID();

function setUp() {
  const reads: string[][] = [];
  const es = {
    mget: async ({ docs }: { docs: { _id: string }[] }) => {
      reads.push(docs.map((d) => d._id));
      return { docs: docs.map((d) => ({ _id: d._id, found: false })) };
    },
  } as unknown as EsClient;
  const published: OutgoingMessage[] = [];
  const publisher: EventPublisher = { publish: async (_topic, messages) => void published.push(...messages), close: async () => undefined };
  const watch = watchedSegments([{ id: SEGMENT, workspaceId: WORKSPACE, condition: { kind: 'tag', op: 'has', tags: [TAG] }, broken: false }]);
  const segments: SavedSegmentsCache = { segmentsOf: async () => new Map([[WORKSPACE, watch]]), everyWorkspace: async () => new Map([[WORKSPACE, watch]]) };
  const tracker = createMembershipTracker({
    es,
    alias: 'contacts',
    segments,
    publisher,
    topic: 'segment-events',
    clock: { now: async () => new Date('2026-12-01T00:00:00Z') },
  });
  const types = () => published.map((m) => (JSON.parse(m.value) as { type: string; contactVersion: number }).type);
  return { tracker, reads, published, types };
}

test('a contact created in the batch starts from no state: nothing is read from the index, and entering a segment is published', async () => {
  const { tracker, reads, types } = setUp();
  const contact = randomUUID();
  const tracked = await tracker([contactUpserted(WORKSPACE, contact, 1, { tagIds: [TAG] })]);
  expect(tracked).toEqual({ contacts: 1, transitions: 1, readFromIndex: 0 });
  expect(reads).toEqual([]);
  expect(types()).toEqual(['segment.entered']);
});

test('a contact the tracker saw at the version before is not read; one it never saw is read once', async () => {
  const { tracker, reads, types } = setUp();
  const [seen, unseen] = [randomUUID(), randomUUID()];
  await tracker([contactUpserted(WORKSPACE, seen, 1, { tagIds: [TAG] })]);
  // Version 2 of both: `seen` left the segment (the state before is version 1, kept); `unseen` is
  // not known, so its state is read (absent here: it enters).
  const tracked = await tracker([contactUpserted(WORKSPACE, seen, 2, { tagIds: [] }), contactUpserted(WORKSPACE, unseen, 2, { tagIds: [TAG] })]);
  expect(tracked).toEqual({ contacts: 2, transitions: 2, readFromIndex: 1 });
  expect(reads).toEqual([[unseen]]);
  expect(types()).toEqual(['segment.entered', 'segment.exited', 'segment.entered']);
});

test('a replayed creation after later versions were seen publishes the same keys again (duplicates, never a different story)', async () => {
  const { tracker, published } = setUp();
  const contact = randomUUID();
  await tracker([contactUpserted(WORKSPACE, contact, 1, { tagIds: [TAG] })]);
  await tracker([contactUpserted(WORKSPACE, contact, 2, { tagIds: [] })]);
  const firstKeys = published.map((m) => (JSON.parse(m.value) as { eventKey: string }).eventKey);
  published.length = 0;
  await tracker([contactUpserted(WORKSPACE, contact, 1, { tagIds: [TAG] }), contactUpserted(WORKSPACE, contact, 2, { tagIds: [] })]);
  expect(published.map((m) => (JSON.parse(m.value) as { eventKey: string }).eventKey)).toEqual(firstKeys);
});
