import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type Condition, type ContactDocument, matchesDocument, membershipEventKey } from '@segmenter/shared';
import { changeKeys, contactTransitions as transitions, type ContactStep as Step } from './membership-transitions';
import { watchedSegments } from './watched-segments';

const WORKSPACE = randomUUID();
const CONTACT = randomUUID();
const TAGS = [randomUUID(), randomUUID(), randomUUID()];
const NOW = new Date('2026-12-01T12:00:00Z');

function doc(version: number, fields: Partial<ContactDocument> = {}): ContactDocument {
  return { workspace_id: WORKSPACE, contact_id: CONTACT, version, deleted: false, tag_ids: [], labels: [], label_keys: [], ...fields };
}
const step = (document: ContactDocument): Step => ({ document, occurredAt: `2026-12-01T10:00:0${document.version % 10}Z` });
const segment = (id: string, condition: Condition, broken = false) => ({ id, workspaceId: WORKSPACE, condition, broken });

const hasTag = (i: number): Condition => ({ kind: 'tag', op: 'has', tags: [TAGS[i]!] });
const tierGold: Condition = { kind: 'label', key: 'tier', op: 'eq', values: ['gold'] };

describe('watchedSegments', () => {
  test('expands references and records what each segment reads and whether the clock moves it', () => {
    const base = randomUUID();
    const user = randomUUID();
    const watch = watchedSegments([
      segment(base, { kind: 'and', conditions: [hasTag(0), { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 }] }),
      segment(user, { kind: 'or', conditions: [{ kind: 'segment', segmentId: base }, tierGold] }),
    ]);
    const [baseSegment, userSegment] = watch.segments;
    expect(baseSegment!.keys).toEqual([`tag:${TAGS[0]}`, 'created_at']);
    expect(baseSegment!.timeDependent).toBe(true);
    expect(userSegment!.tree).toEqual({ kind: 'or', conditions: [baseSegment!.tree, tierGold] });
    expect(userSegment!.keys).toEqual([`tag:${TAGS[0]}`, 'created_at', 'label:tier']);
    expect(userSegment!.timeDependent).toBe(true);
    expect(watch.byKey.get(`tag:${TAGS[0]}`)).toEqual([baseSegment, userSegment]);
    expect(watch.byKey.get('label:tier')).toEqual([userSegment]);
    expect([...watch.fields].sort()).toEqual(['workspace_id', 'contact_id', 'version', 'deleted', 'tag_ids', 'created_at', 'labels', 'label_keys'].sort());
  });

  test('absolute dates and other fields do not depend on the clock; engagement windows and relative custom dates do', () => {
    const [absolute, engagement, custom] = watchedSegments([
      segment(randomUUID(), { kind: 'date', field: 'created_at', op: 'before', dates: ['2026-01-01'] }),
      segment(randomUUID(), { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1, days: 7 }),
      segment(randomUUID(), { kind: 'custom', key: 'renewal', type: 'date', op: 'in_next_days', values: [], days: 7 }),
    ]).segments;
    expect([absolute!.timeDependent, engagement!.timeDependent, custom!.timeDependent]).toEqual([false, true, true]);
    expect(engagement!.keys).toEqual(['engagement']);
    expect(custom!.keys).toEqual(['custom:renewal']);
  });

  test('a broken segment, and every segment that refers to it or to one that does not exist, is not watched', () => {
    const broken = randomUUID();
    const user = randomUUID();
    const watched = watchedSegments([
      segment(broken, hasTag(0), true),
      segment(user, { kind: 'segment', segmentId: broken }),
      segment(randomUUID(), { kind: 'not', condition: { kind: 'segment', segmentId: randomUUID() } }),
      segment('kept', hasTag(1)),
    ]);
    expect(watched.segments.map((s) => s.id)).toEqual(['kept']);
  });
});

describe('contactTransitions', () => {
  const both = watchedSegments([segment('tagged', hasTag(0)), segment('gold', tierGold)]);
  const tagged = watchedSegments([segment('tagged', hasTag(0))]);

  test('a change that crosses a boundary is one transition; one that does not cross is none', () => {
    const before = doc(1);
    expect(transitions(both, before, [step(doc(2, { tag_ids: [TAGS[0]!] }))], NOW)).toEqual([
      { type: 'segment.entered', segmentId: 'tagged', contactId: CONTACT, contactVersion: 2, occurredAt: '2026-12-01T10:00:02Z' },
    ]);
    expect(transitions(both, before, [step(doc(2, { tag_ids: [TAGS[1]!] }))], NOW)).toEqual([]);
  });

  test('steps are taken in version order, stale ones skipped, and each crossing of the batch is kept', () => {
    const steps = [doc(4, { tag_ids: [TAGS[0]!] }), doc(2, { tag_ids: [TAGS[0]!] }), doc(3), doc(1, { tag_ids: [TAGS[0]!] })].map(step);
    const found = transitions(tagged, doc(1), steps, NOW);
    expect(found.map((t) => [t.type, t.contactVersion])).toEqual([
      ['segment.entered', 2],
      ['segment.exited', 3],
      ['segment.entered', 4],
    ]);
  });

  test('a contact never indexed enters what it matches; deleting it leaves everything; an erased tombstone matches nothing', () => {
    const created = transitions(both, undefined, [step(doc(1, { tag_ids: [TAGS[0]!], labels: ['tier=gold'], label_keys: ['tier'] }))], NOW);
    expect(created.map((t) => `${t.type} ${t.segmentId}`).sort()).toEqual(['segment.entered gold', 'segment.entered tagged']);
    const live = doc(1, { tag_ids: [TAGS[0]!] });
    expect(transitions(both, live, [step({ ...live, version: 2, deleted: true })], NOW).map((t) => t.type)).toEqual(['segment.exited']);
    const tombstone: ContactDocument = { workspace_id: WORKSPACE, contact_id: CONTACT, version: 3, deleted: true, erased: true };
    expect(transitions(tagged, live, [step(tombstone)], NOW).map((t) => t.type)).toEqual(['segment.exited']);
  });

  test('keys: the same transition always gets the same key; time transitions add the day', () => {
    const t = { type: 'segment.entered' as const, segmentId: 's', contactId: 'c', contactVersion: 3, occurredAt: '2026-12-01T00:00:00.000Z' };
    expect(membershipEventKey({ ...t, cause: 'change' })).toBe('s:c:3:in');
    expect(membershipEventKey({ ...t, type: 'segment.exited', cause: 'change' })).toBe('s:c:3:out');
    expect(membershipEventKey({ ...t, cause: 'time' })).toBe('s:c:in:2026-12-01');
    expect(membershipEventKey({ ...t, contactVersion: 9, cause: 'time' })).toBe('s:c:in:2026-12-01'); // whatever the version meanwhile
  });

  test('change keys: tags and subscription categories by value, labels and custom fields by key, other fields by name', () => {
    const a = doc(1, { tag_ids: [TAGS[0]!, TAGS[1]!], labels: ['tier=gold', 'source=fb'], label_keys: ['source', 'tier'], email_status: 'active' });
    const b = doc(2, {
      tag_ids: [TAGS[1]!, TAGS[2]!],
      labels: ['tier=silver', 'plan=pro', 'source=fb'],
      label_keys: ['plan', 'source', 'tier'],
      email_status: 'active',
    });
    const fields = ['tag_ids', 'labels', 'label_keys', 'email_status', 'first_name'] as const;
    expect([...changeKeys(a, b, fields)].sort()).toEqual([`tag:${TAGS[0]}`, `tag:${TAGS[2]}`, 'label:plan', 'label:tier'].sort());
    expect([...changeKeys(a, { ...a, version: 2, email_status: 'unsubscribed', first_name: null }, fields)]).toEqual(['email_status']);
    expect([...changeKeys(undefined, a, ['custom_fields', 'tag_ids'])].sort()).toEqual([`tag:${TAGS[0]}`, `tag:${TAGS[1]}`].sort());
    const withCustom = doc(3, {
      custom_fields: [
        { key: 'plan', string: 'pro' },
        { key: 'seats', number: 3 },
      ],
    });
    const changedCustom = doc(4, {
      custom_fields: [
        { key: 'plan', string: 'pro' },
        { key: 'seats', number: 4 },
        { key: 'vip', boolean: true },
      ],
    });
    expect([...changeKeys(withCustom, changedCustom, ['custom_fields'])].sort()).toEqual(['custom:seats', 'custom:vip']);
  });

  // The shortcut (a segment is evaluated only when a change key it names changed) must never change
  // the answer: against evaluating every segment at every state, on random documents and trees.
  test('equals evaluating every segment at every state (property)', () => {
    const leaf = fc.oneof(
      fc.constantFrom(0, 1, 2).map(hasTag),
      fc.constantFrom('gold', 'silver').map((v): Condition => ({ kind: 'label', key: 'tier', op: 'eq', values: [v] })),
      fc.constant<Condition>({ kind: 'label', key: 'tier', op: 'not_exists', values: [] }),
      fc.constantFrom('active', 'unsubscribed').map((s): Condition => ({ kind: 'status', channel: 'email', op: 'in', statuses: [s] })),
      fc.constant<Condition>({ kind: 'sendable', channel: 'email' }),
      fc.constantFrom('Ada', 'Bob').map((n): Condition => ({ kind: 'text', field: 'first_name', op: 'eq', values: [n] })),
      fc.constantFrom<Condition>(
        { kind: 'label', key: 'tier', op: 'in', values: ['gold', 'silver'] },
        { kind: 'label', key: 'tier', op: 'neq', values: ['gold'] },
        { kind: 'label', key: 'tier', op: 'not_in', values: ['silver'] },
        { kind: 'label', key: 'tier', op: 'prefix', values: ['go'] },
        { kind: 'subscription', op: 'has', categories: ['news'] },
        { kind: 'subscription', op: 'none', categories: ['news', 'offers'] },
        { kind: 'custom', key: 'seats', type: 'number', op: 'gt', values: [2] },
        { kind: 'custom', key: 'plan', type: 'string', op: 'eq', values: ['pro'] },
        { kind: 'custom', key: 'renewal', type: 'date', op: 'in_next_days', values: [], days: 30 },
        { kind: 'number', field: 'email_rating', op: 'gte', values: [50] },
        { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 },
      ),
    );
    const tree: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((conditions): Condition => ({ kind: 'and', conditions })),
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((conditions): Condition => ({ kind: 'or', conditions })),
        tie('node').map((condition): Condition => ({ kind: 'not', condition })),
      ),
    })).node;
    const state = fc.record({
      tags: fc.subarray(TAGS),
      tier: fc.constantFrom(undefined, 'gold', 'silver'),
      status: fc.constantFrom('active', 'unsubscribed'),
      email: fc.constantFrom(null, 'a@example.com'),
      name: fc.constantFrom(null, 'Ada', 'Bob'),
      deleted: fc.boolean(),
      categories: fc.subarray(['news', 'offers']),
      seats: fc.constantFrom(undefined, 1, 3),
      plan: fc.constantFrom(undefined, 'pro', 'free'),
      renewal: fc.constantFrom(undefined, '2026-12-10', '2027-03-01'),
      rating: fc.constantFrom(null, 20, 80),
      created: fc.constantFrom('2026-11-20T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
    });
    const toDoc = (s: typeof state extends fc.Arbitrary<infer T> ? T : never, version: number) =>
      doc(version, {
        tag_ids: s.tags,
        labels: s.tier ? [`tier=${s.tier}`] : [],
        label_keys: s.tier ? ['tier'] : [],
        email_status: s.status,
        email: s.email,
        first_name: s.name,
        deleted: s.deleted,
        subscription_categories: s.categories,
        email_rating: s.rating,
        created_at: s.created,
        custom_fields: [
          ...(s.seats === undefined ? [] : [{ key: 'seats', number: s.seats }]),
          ...(s.plan === undefined ? [] : [{ key: 'plan', string: s.plan }]),
          ...(s.renewal === undefined ? [] : [{ key: 'renewal', string: s.renewal, date: s.renewal }]),
        ],
      });
    fc.assert(
      fc.property(
        fc.array(tree, { minLength: 1, maxLength: 5 }),
        fc.option(state, { nil: undefined }),
        fc.array(state, { minLength: 1, maxLength: 6 }),
        (trees, first, later) => {
          const watch = watchedSegments(trees.map((t, i) => segment(`s${i}`, t)));
          const segments = watch.segments;
          const before = first === undefined ? undefined : toDoc(first, 1);
          const steps = later.map((s, i) => step(toDoc(s, i + 2)));
          const expected: string[] = [];
          let current = before;
          for (const { document } of steps) {
            for (const s of segments) {
              const was = current !== undefined && matchesDocument(s.tree, current, NOW);
              const is = matchesDocument(s.tree, document, NOW);
              if (was !== is) expected.push(`${s.id}:${document.version}:${is ? 'in' : 'out'}`);
            }
            current = document;
          }
          const found = transitions(watch, before, steps, NOW).map((t) => `${t.segmentId}:${t.contactVersion}:${t.type === 'segment.entered' ? 'in' : 'out'}`);
          // Within one step the order of segments is not part of the contract.
          expect(found.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
