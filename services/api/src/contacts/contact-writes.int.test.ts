// What every contact write carries besides its fields (tags, labels, statuses, created date) on
// create, upsert, batch upsert and bulk status, and the set-wise batch writer's rules: folding of
// items that reach one contact, per-item failures, and the snapshot it builds in SQL.
import { randomUUID } from 'node:crypto';
import { useApiHarness } from '../../../../test/support/api-harness';
import { searchIndexDifferences } from '../../../../test/support/search-index-equality';

const STATUS_RULE = 'Invalid option: expected one of "active"|"unsubscribed"|"spam_report"|"blacklisted"|"unconfirmed"';
const LABEL_LIMIT_RULE = 'does not fit: a contact holds at most 50 labels';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `{ prefix0: value, prefix1: value, ... }`: n labels. */
const labelsN = (prefix: string, n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, value]));
/** Label keys special to JavaScript, as own properties (an object literal would change the prototype). */
const specialLabels = (): Record<string, string> => JSON.parse('{"__proto__":"proto-value","constructor":"ctor-value","prototype":"pt-value"}');
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype'];

describe('contact writes', () => {
  const t = useApiHarness();

  let serial = 0;
  /** A fresh email and phone per call: every test shares the file's workspace. */
  const email = (name = 'c') => `${name}-${++serial}@example.com`;
  const phone = () => `+1415555${String(1000 + ++serial).padStart(4, '0')}`;

  const post = (path: string, body: unknown, key = t.ws.key) => t.h.request('POST', path, { key, body });
  const create = (body: unknown) => post('/v1/contacts', body);
  const upsert = (matchBy: 'email' | 'phone', contact: unknown, extra: object = {}) => post('/v1/contacts/upsert', { matchBy, ...extra, contact });
  const batch = (matchBy: 'email' | 'phone', contacts: unknown[], extra: object = {}) => post('/v1/contacts/batch-upsert', { matchBy, ...extra, contacts });
  const get = async (id: string) => {
    const res = await t.h.request('GET', `/v1/contacts/${id}`, { key: t.ws.key });
    expect(res.status).toBe(200);
    return res.body;
  };
  const history = async (id: string) =>
    (await t.h.request('GET', `/v1/contacts/${id}/status-history`, { key: t.ws.key })).body.items as { channel: string; status: string; reason: string }[];
  const newTag = async (name: string, key = t.ws.key) => {
    const res = await post('/v1/tags', { name }, key);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const sorted = (ids: string[]) => [...ids].sort();
  const statuses = (res: { body: { results: { status: string }[] } }) => res.body.results.map((r) => r.status);
  const query = async (text: string, values: unknown[]) => (await t.h.env.pool.query(text, values)).rows;
  const liveContactsWithEmail = async (address: string) =>
    (await query('select id from contacts where workspace_id = $1 and email = $2 and deleted_at is null', [t.ws.id, address])).map((r) => r.id);
  const labelRows = async (contactId: string): Promise<Record<string, string>> =>
    Object.fromEntries((await query('select key, value from contact_labels where contact_id = $1 order by key', [contactId])).map((r) => [r.key, r.value]));
  const tagRows = async (contactId: string) =>
    (await query('select tag_id from contact_tags where contact_id = $1 order by tag_id', [contactId])).map((r) => r.tag_id);

  /** The contact as the API reads it, and its tags and labels as rows: the two must agree. */
  async function readBack(id: string) {
    const contact = await get(id);
    expect(await labelRows(id)).toEqual(contact.labels);
    expect(await tagRows(id)).toEqual(contact.tagIds);
    return contact;
  }

  /**
   * The outbox holds exactly one contact.upserted per id in `ids` (any order), and each event's
   * snapshot, built by Postgres, equals the API's read of the contact field for field.
   */
  async function expectOneEventEach(ids: string[], created: string[] = []) {
    const events = await t.h.outboxEvents(t.ws.id);
    expect(events.map((e) => `${e.type} ${e.aggregateId}`).sort()).toEqual(ids.map((id) => `contact.upserted ${id}`).sort());
    for (const event of events) {
      expect(event.payload).toMatchObject({
        type: 'contact.upserted',
        workspaceId: t.ws.id,
        contactId: event.aggregateId,
        created: created.includes(event.aggregateId),
      });
      expect(event.payload.contact).toEqual({ ...(await get(event.aggregateId)), workspaceId: t.ws.id });
    }
    return events;
  }

  const tags: Record<'vip' | 'beta' | 'gamma', string> = {} as any;
  beforeAll(async () => {
    for (const name of ['vip', 'beta', 'gamma'] as const) tags[name] = await newTag(name);
    for (const [key, type] of [
      ['plan', 'string'],
      ['seats', 'number'],
      ['renewal', 'date'],
      ['vip', 'boolean'],
      ['since', 'date'],
    ]) {
      expect((await post('/v1/custom-fields', { key, type })).status).toBe(201);
    }
  });

  describe('create', () => {
    test.each([
      { description: 'tags by name', body: () => ({ tags: ['vip', 'beta'] }), tagIds: () => [tags.vip, tags.beta] },
      { description: 'tag ids, in any case', body: () => ({ tagIds: [tags.gamma.toUpperCase()] }), tagIds: () => [tags.gamma] },
      { description: 'a tag named and given by id once', body: () => ({ tags: ['vip'], tagIds: [tags.vip, tags.beta] }), tagIds: () => [tags.vip, tags.beta] },
    ])('$description: tagIds sorted, one event equal to the read', async ({ body, tagIds }) => {
      const res = await create({ email: email(), ...body() });
      expect(res.status).toBe(201);
      expect(res.body.tagIds).toEqual(sorted(tagIds()));
      expect(await readBack(res.body.id)).toEqual(res.body);
      await expectOneEventEach([res.body.id], [res.body.id]);
    });

    test('an unknown tag name with createMissing creates the tag', async () => {
      const name = `fresh ${randomUUID()}`;
      const res = await create({ email: email(), tags: ['vip', name], createMissing: true });
      expect(res.status).toBe(201);
      const [created] = await query('select id from tags where workspace_id = $1 and name = $2', [t.ws.id, name]);
      expect(res.body.tagIds).toEqual(sorted([tags.vip, created!.id]));
      await readBack(res.body.id);
      await expectOneEventEach([res.body.id], [res.body.id]);
    });

    const unknownId = randomUUID();
    test.each([
      {
        description: 'an unknown tag name',
        body: () => ({ tags: ['vip', 'no-such-tag'] }),
        errors: () => [{ field: 'body.tags.1', rule: 'is not a tag in this workspace: "no-such-tag" (create it first, or pass createMissing)' }],
      },
      {
        description: 'an unknown tag id',
        body: () => ({ tagIds: [tags.vip, unknownId] }),
        errors: () => [{ field: 'body.tagIds.1', rule: `is not a tag in this workspace: ${unknownId}` }],
      },
      {
        description: 'a tag id that is no UUID',
        body: () => ({ tagIds: ['vip'] }),
        errors: () => [{ field: 'body.tagIds.0', rule: 'must be a tag id (UUID)' }],
      },
      {
        // Tags created for the write are rolled back with it.
        description: 'an unknown tag id beside createMissing',
        body: () => ({ tags: ['rolled-back-tag'], tagIds: [unknownId], createMissing: true }),
        errors: () => [{ field: 'body.tagIds.0', rule: `is not a tag in this workspace: ${unknownId}` }],
      },
    ])('$description is refused, naming the item, and stores nothing', async ({ body, errors }) => {
      const address = email();
      const res = await create({ email: address, ...body() });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(errors());
      expect(await liveContactsWithEmail(address)).toEqual([]);
      expect(await query('select name from tags where workspace_id = $1 and name = $2', [t.ws.id, 'rolled-back-tag'])).toEqual([]);
      expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
    });

    test("another workspace's tag id is unknown here", async () => {
      const other = await t.h.createWorkspace();
      const theirs = await newTag('vip', other.key);
      const res = await create({ email: email(), tagIds: [theirs] });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.tagIds.0', rule: `is not a tag in this workspace: ${theirs}` }]);
    });

    test('labels are stored as rows and carried by the event', async () => {
      const res = await create({ email: email(), labels: { tier: 'gold', region: 'eu-west' } });
      expect(res.status).toBe(201);
      expect(res.body.labels).toEqual({ tier: 'gold', region: 'eu-west' });
      await readBack(res.body.id);
      await expectOneEventEach([res.body.id], [res.body.id]);
    });

    test.each([
      {
        description: 'both statuses with a reason',
        write: { emailStatus: 'unsubscribed', phoneStatus: 'blacklisted', statusReason: 'imported from the old CRM' },
        history: [
          { channel: 'email', status: 'unsubscribed', reason: 'imported from the old CRM' },
          { channel: 'phone', status: 'blacklisted', reason: 'imported from the old CRM' },
        ],
      },
      {
        description: 'a status without a reason',
        write: { emailStatus: 'spam_report' },
        history: [{ channel: 'email', status: 'spam_report', reason: 'set at creation' }],
      },
      {
        description: 'the default status, even with a reason',
        write: { emailStatus: 'active', phoneStatus: 'active', statusReason: 'nothing to record' },
        history: [],
      },
    ])('$description: the contact and its status history', async ({ write, history: expected }) => {
      const res = await create({ email: email(), phone: phone(), ...write });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ emailStatus: write.emailStatus ?? 'active', phoneStatus: write.phoneStatus ?? 'active', version: 1 });
      const items = await history(res.body.id);
      expect(items.map(({ channel, status, reason }) => ({ channel, status, reason })).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual(expected);
      await expectOneEventEach([res.body.id], [res.body.id]);
    });

    test.each([
      { description: 'in the past, with an offset', createdAt: () => '2019-03-04T06:06:07.089+01:00', stored: '2019-03-04T05:06:07.089Z' },
      { description: 'in 1900', createdAt: () => '1900-01-01T00:00:00Z', stored: '1900-01-01T00:00:00.000Z' },
      { description: 'a little ahead (within the clock skew)', createdAt: () => new Date(Date.now() + 20_000).toISOString(), stored: undefined },
    ])('createdAt $description is stored', async ({ createdAt, stored }) => {
      const given = createdAt();
      const res = await create({ email: email(), createdAt: given });
      expect(res.status).toBe(201);
      expect(res.body.createdAt).toBe(stored ?? given);
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
      await expectOneEventEach([res.body.id], [res.body.id]);
    });

    test.each([
      { description: 'an hour ahead', createdAt: () => new Date(Date.now() + 3_600_000).toISOString(), rule: 'must not be in the future' },
      { description: 'in 1800', createdAt: () => '1800-06-01T00:00:00Z', rule: 'must be between the years 1900 and 9999' },
      { description: 'on February 30', createdAt: () => '2021-02-30T00:00:00Z', rule: 'must be an ISO 8601 date-time with offset' },
      { description: 'without an offset', createdAt: () => '2021-02-03T00:00:00', rule: 'must be an ISO 8601 date-time with offset' },
    ])('createdAt $description is refused', async ({ createdAt, rule }) => {
      const address = email();
      const res = await create({ email: address, createdAt: createdAt() });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.createdAt', rule }]);
      expect(await liveContactsWithEmail(address)).toEqual([]);
      expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
    });
  });

  describe('upsert of an existing contact', () => {
    let id: string;
    let address: string;
    beforeAll(async () => {
      address = email('upserted');
      const res = await create({ email: address, phone: phone(), firstName: 'Ann', tags: ['vip'], labels: { tier: 'gold', region: 'eu' } });
      expect(res.status).toBe(201);
      id = res.body.id;
    });

    // Steps run in order on the same contact; each names what the contact holds afterwards.
    const OLD_DATE = '2001-01-01T00:00:00Z';
    test.each([
      {
        description: 'a new tag is added, the existing one kept',
        write: { tags: ['beta'] },
        status: 'updated',
        expected: () => ({ tagIds: sorted([tags.vip, tags.beta]) }),
      },
      {
        description: 'labels merge by default',
        write: { labels: { tier: 'platinum', plan: 'pro' } },
        status: 'updated',
        expected: () => ({ labels: { tier: 'platinum', region: 'eu', plan: 'pro' } }),
      },
      {
        description: 'labelsMode replace removes the labels not given',
        write: { labels: { plan: 'pro', seats: '10' }, labelsMode: 'replace' },
        status: 'updated',
        expected: () => ({ labels: { plan: 'pro', seats: '10' } }),
      },
      {
        description: 'a status change is recorded with its reason',
        write: { emailStatus: 'unsubscribed', statusReason: 'replied STOP' },
        status: 'updated',
        expected: () => ({ emailStatus: 'unsubscribed' }),
        history: { channel: 'email', status: 'unsubscribed', reason: 'replied STOP' },
      },
      {
        description: 'a status change without a reason names the writer',
        write: { phoneStatus: 'blacklisted' },
        status: 'updated',
        expected: () => ({ phoneStatus: 'blacklisted' }),
        history: { channel: 'phone', status: 'blacklisted', reason: 'set by upsert' },
      },
      {
        description: 'createdAt is ignored beside a change',
        write: { createdAt: OLD_DATE, lastName: 'Smith' },
        status: 'updated',
        expected: () => ({ lastName: 'Smith' }),
      },
      { description: 'createdAt alone changes nothing', write: { createdAt: OLD_DATE }, status: 'unchanged', expected: () => ({}) },
      {
        description: 'repeating what the contact holds changes nothing',
        write: { firstName: 'Ann', tags: ['vip', 'beta'], labels: { plan: 'pro' }, emailStatus: 'unsubscribed', statusReason: 'again' },
        status: 'unchanged',
        expected: () => ({}),
      },
      {
        description: 'replacing labels by the same labels changes nothing',
        write: { labels: { seats: '10', plan: 'pro' }, labelsMode: 'replace' },
        status: 'unchanged',
        expected: () => ({}),
      },
      {
        description: 'only a tag added is one change',
        write: { tags: ['gamma'] },
        status: 'updated',
        expected: () => ({ tagIds: sorted([tags.vip, tags.beta, tags.gamma]) }),
      },
    ])('$description', async ({ write, status, expected, history: recorded }) => {
      const before = await get(id);
      const historyBefore = await history(id);
      const res = await upsert('email', { email: address.toUpperCase(), ...write });
      expect([res.status, res.body.status]).toEqual([200, status]);
      const after = await readBack(id);
      expect(res.body.contact).toEqual(after);
      const changes = expected();
      expect(after).toEqual({ ...before, ...changes, version: after.version, updatedAt: after.updatedAt });
      expect(after.createdAt).toBe(before.createdAt);
      if (status === 'updated') {
        expect(after.version).toBe(before.version + 1);
        await expectOneEventEach([id]);
      } else {
        expect([after.version, after.updatedAt]).toEqual([before.version, before.updatedAt]);
        expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
      }
      const historyAfter = await history(id);
      expect(historyAfter.slice(recorded ? 1 : 0)).toEqual(historyBefore);
      if (recorded) expect(historyAfter[0]).toMatchObject(recorded);
    });

    test('an unknown tag name with createMissing at request level creates it and adds it', async () => {
      const name = `upsert-made ${randomUUID()}`;
      const refused = await upsert('email', { email: address, tags: [name] });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: 'body.contact.tags.0', rule: `is not a tag in this workspace: "${name}" (create it first, or pass createMissing)` },
      ]);
      const res = await upsert('email', { email: address, tags: [name] }, { createMissing: true });
      expect([res.status, res.body.status]).toEqual([200, 'updated']);
      const [made] = await query('select id from tags where workspace_id = $1 and name = $2', [t.ws.id, name]);
      expect(res.body.contact.tagIds).toContain(made!.id);
      await expectOneEventEach([id]);
    });

    test('an upsert that creates uses createdAt and reports 201', async () => {
      const res = await upsert('phone', { phone: phone(), createdAt: '2018-08-08T08:08:08.808Z', labels: { tier: 'new' }, emailStatus: 'unconfirmed' });
      expect([res.status, res.body.status]).toEqual([201, 'created']);
      expect(res.body.contact).toMatchObject({ createdAt: '2018-08-08T08:08:08.808Z', labels: { tier: 'new' }, emailStatus: 'unconfirmed', version: 1 });
      expect((await history(res.body.contact.id))[0]).toMatchObject({ channel: 'email', status: 'unconfirmed', reason: 'set at creation' });
      await expectOneEventEach([res.body.contact.id], [res.body.contact.id]);
    });

    test('a createdAt in the future is refused under body.contact', async () => {
      const res = await upsert('email', { email: address, createdAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.contact.createdAt', rule: 'must not be in the future' }]);
    });
  });

  describe('the 50-label limit', () => {
    /** A contact holding labels full0..full49. */
    async function fullContact() {
      const address = email('full');
      const res = await create({ email: address, labels: labelsN('full', 50) });
      expect(res.status).toBe(201);
      await t.h.clearOutbox(t.ws.id);
      return { id: res.body.id as string, address };
    }

    test('an upsert past 50 labels names each key that does not fit and changes nothing', async () => {
      const full = await fullContact();
      const res = await upsert('email', { email: full.address, firstName: 'Over', labels: { full0: 'changed', extra1: 'x', extra2: 'y' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'body.contact.labels.extra1', rule: LABEL_LIMIT_RULE },
        { field: 'body.contact.labels.extra2', rule: LABEL_LIMIT_RULE },
      ]);
      expect(await readBack(full.id)).toMatchObject({ firstName: null, labels: labelsN('full', 50), version: 1 });
      expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
    });

    test('changing the values of held labels on a full contact is fine', async () => {
      const full = await fullContact();
      const res = await upsert('email', { email: full.address, labels: { full0: 'changed' } });
      expect([res.status, res.body.status]).toEqual([200, 'updated']);
      expect((await readBack(full.id)).labels).toEqual({ ...labelsN('full', 50), full0: 'changed' });
    });

    test('replacing 50 labels by 50 others is fine', async () => {
      const full = await fullContact();
      const res = await upsert('email', { email: full.address, labels: labelsN('other', 50, 'w'), labelsMode: 'replace' });
      expect([res.status, res.body.status]).toEqual([200, 'updated']);
      expect((await readBack(full.id)).labels).toEqual(labelsN('other', 50, 'w'));
      await expectOneEventEach([full.id]);
    });

    test('in a batch, the item past the limit fails alone', async () => {
      const full = await fullContact();
      const [a, b] = [email(), email()];
      const res = await batch('email', [{ email: a }, { email: full.address, labels: { extra: 'x' } }, { email: b, labels: { tier: 'gold' } }]);
      expect(res.status).toBe(200);
      expect(res.body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 1 });
      expect(res.body.results[1]).toEqual({
        index: 1,
        status: 'error',
        detail: `body.contacts.1.labels.extra: ${LABEL_LIMIT_RULE}`,
        errors: [{ field: 'body.contacts.1.labels.extra', rule: LABEL_LIMIT_RULE }],
      });
      expect((await readBack(full.id)).labels).toEqual(labelsN('full', 50));
      const created = [res.body.results[0].id, res.body.results[2].id];
      expect((await get(created[1])).labels).toEqual({ tier: 'gold' });
      await expectOneEventEach(created, created);
    });

    test('the limit counts what earlier items of the batch gave the same contact', async () => {
      const address = email();
      const res = await batch('email', [
        { email: address, labels: labelsN('a', 30) },
        { email: address, labels: labelsN('b', 30) },
      ]);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'error']);
      expect(res.body.results[1].errors).toEqual(Object.keys(labelsN('b', 30)).map((k) => ({ field: `body.contacts.1.labels.${k}`, rule: LABEL_LIMIT_RULE })));
      expect((await readBack(res.body.results[0].id)).labels).toEqual(labelsN('a', 30));
    });

    test('after a replace in the batch, a label the replace removed counts as new', async () => {
      const full = await fullContact();
      const res = await batch('email', [
        { email: full.address, labels: labelsN('other', 50), labelsMode: 'replace' },
        { email: full.address, labels: { full0: 'back' } },
      ]);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['updated', 'error']);
      expect(res.body.results[1].errors).toEqual([{ field: 'body.contacts.1.labels.full0', rule: LABEL_LIMIT_RULE }]);
      expect((await readBack(full.id)).labels).toEqual(labelsN('other', 50));
    });
  });

  describe('batch upsert', () => {
    test('two items for one new contact are folded: later fields win, tags add up, labels merge', async () => {
      const address = email('folded');
      const res = await batch('email', [
        { email: address, firstName: 'First', lastName: 'Kept', tags: ['vip'], labels: { a: '1', b: '1' }, emailStatus: 'unconfirmed' },
        { email: address.toUpperCase(), firstName: 'Second', tags: ['beta'], tagIds: [tags.gamma], labels: { b: '2', c: '3' } },
      ]);
      expect(res.status).toBe(200);
      expect(res.body.summary).toEqual({ created: 1, updated: 1, unchanged: 0, failed: 0 });
      const [first, second] = res.body.results;
      expect(first).toEqual({ index: 0, status: 'created', id: expect.any(String), version: 1 });
      expect(second).toEqual({ index: 1, status: 'updated', id: first.id, version: 1 });
      expect(await readBack(first.id)).toMatchObject({
        email: address,
        firstName: 'Second',
        lastName: 'Kept',
        tagIds: sorted([tags.vip, tags.beta, tags.gamma]),
        labels: { a: '1', b: '2', c: '3' },
        emailStatus: 'unconfirmed',
        version: 1,
      });
      expect(await history(first.id)).toEqual([expect.objectContaining({ channel: 'email', status: 'unconfirmed', reason: 'set at creation' })]);
      await expectOneEventEach([first.id], [first.id]);
    });

    test('an item matching an existing contact, a new one, and a later item for the existing one', async () => {
      const existingPhone = phone();
      const existing = (await create({ phone: existingPhone, firstName: 'Old', labels: { keep: 'yes' } })).body;
      await t.h.clearOutbox(t.ws.id);
      const res = await batch('phone', [
        { phone: existingPhone, firstName: 'New', phoneStatus: 'blacklisted', statusReason: 'carrier complaint' },
        { phone: phone(), firstName: 'Fresh' },
        { phone: existingPhone, labels: { added: 'yes' }, tags: ['vip'] },
      ]);
      expect(statuses(res)).toEqual(['updated', 'created', 'updated']);
      expect([res.body.results[0].id, res.body.results[2].id]).toEqual([existing.id, existing.id]);
      expect([res.body.results[0].version, res.body.results[2].version]).toEqual([2, 2]);
      expect(await readBack(existing.id)).toMatchObject({
        firstName: 'New',
        phoneStatus: 'blacklisted',
        labels: { keep: 'yes', added: 'yes' },
        tagIds: [tags.vip],
        createdAt: existing.createdAt,
        version: 2,
      });
      expect((await history(existing.id))[0]).toMatchObject({ channel: 'phone', status: 'blacklisted', reason: 'carrier complaint' });
      await expectOneEventEach([existing.id, res.body.results[1].id], [res.body.results[1].id]);
    });

    test('items reaching an existing contact without changing it are all unchanged, with no event', async () => {
      const address = email();
      const existing = (await create({ email: address, firstName: 'Same', tags: ['vip'], labels: { tier: 'gold' } })).body;
      await t.h.clearOutbox(t.ws.id);
      const res = await batch('email', [
        { email: address, firstName: 'Same' },
        { email: address, tags: ['vip'], labels: { tier: 'gold' } },
      ]);
      expect(res.body.results).toEqual([
        { index: 0, status: 'unchanged', id: existing.id, version: 1 },
        { index: 1, status: 'unchanged', id: existing.id, version: 1 },
      ]);
      expect(await get(existing.id)).toEqual(existing);
      expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
    });

    test('bad items fail alone, each with its own errors, wherever the rule is checked', async () => {
      const addresses = Array.from({ length: 5 }, () => email('mixed'));
      const unknownId = randomUUID();
      const res = await batch('email', [
        { email: addresses[0] },
        { email: addresses[1], emailStatus: 'gone', emailRating: 101, labels: { 'bad key': 'x' } },
        { email: addresses[2], tags: ['no-such-tag'], tagIds: [unknownId] },
        { email: addresses[3], customFields: { nope: 1, seats: 'many' } },
        { email: addresses[4], tags: ['vip'] },
      ]);
      expect(res.status).toBe(200);
      expect(statuses(res)).toEqual(['created', 'error', 'error', 'error', 'created']);
      expect(res.body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 3 });
      const byField = (errors: { field: string }[]) => [...errors].sort((a, b) => a.field.localeCompare(b.field));
      expect(byField(res.body.results[1].errors)).toEqual([
        { field: 'body.contacts.1.emailRating', rule: 'must be at most 100' },
        { field: 'body.contacts.1.emailStatus', rule: STATUS_RULE },
        { field: 'body.contacts.1.labels.bad key', rule: 'key letters, digits, "_" and "-" only' },
      ]);
      expect(res.body.results[2].errors).toEqual([
        { field: 'body.contacts.2.tags.0', rule: 'is not a tag in this workspace: "no-such-tag" (create it first, or pass createMissing)' },
        { field: 'body.contacts.2.tagIds.0', rule: `is not a tag in this workspace: ${unknownId}` },
      ]);
      expect(res.body.results[3].errors).toEqual([
        { field: 'body.contacts.3.customFields.nope', rule: 'is not a custom field defined in this workspace' },
        { field: 'body.contacts.3.customFields.seats', rule: 'must be a number' },
      ]);
      for (const i of [1, 2, 3]) expect(await liveContactsWithEmail(addresses[i]!)).toEqual([]);
      const written = [res.body.results[0].id, res.body.results[4].id];
      expect((await get(written[1])).tagIds).toEqual([tags.vip]);
      await expectOneEventEach(written, written);
    });

    test("an item setting another contact's email fails alone as not unique", async () => {
      const taken = email('taken');
      const holderPhone = phone();
      const holder = (await create({ email: taken, phone: holderPhone })).body;
      const shared = email('shared');
      await t.h.clearOutbox(t.ws.id);
      const res = await batch('phone', [
        { phone: phone(), email: taken },
        { phone: phone(), email: email('free') },
        { phone: phone(), email: taken.toUpperCase(), firstName: 'Also taken' },
        { phone: holderPhone, email: taken, firstName: 'Holder' }, // the holder restating its own email
        { phone: phone(), email: shared },
        { phone: phone(), email: shared }, // taken by the item before it
      ]);
      expect(statuses(res)).toEqual(['error', 'created', 'error', 'updated', 'created', 'error']);
      for (const i of [0, 2, 5]) expect(res.body.results[i].errors).toEqual([{ field: `body.contacts.${i}.email`, rule: 'must be unique in the workspace' }]);
      expect(await liveContactsWithEmail(taken)).toEqual([holder.id]);
      expect(await liveContactsWithEmail(shared)).toEqual([res.body.results[4].id]);
      expect((await get(holder.id)).firstName).toBe('Holder');
      await expectOneEventEach([res.body.results[1].id, holder.id, res.body.results[4].id], [res.body.results[1].id, res.body.results[4].id]);

      const single = await upsert('phone', { phone: phone(), email: taken });
      expect(single.status).toBe(409);
      expect(single.body.errors).toEqual([{ field: 'body.contact.email', rule: 'must be unique in the workspace' }]);
    });

    test('an email one item frees is free for a later item of the same batch', async () => {
      const [oldEmail, newEmail] = [email('old'), email('new')];
      const movingPhone = phone();
      const moving = (await create({ email: oldEmail, phone: movingPhone })).body;
      await t.h.clearOutbox(t.ws.id);
      const res = await batch('phone', [
        { phone: movingPhone, email: newEmail },
        { phone: phone(), email: oldEmail },
      ]);
      expect(statuses(res)).toEqual(['updated', 'created']);
      expect(await liveContactsWithEmail(newEmail)).toEqual([moving.id]);
      expect(await liveContactsWithEmail(oldEmail)).toEqual([res.body.results[1].id]);
      await expectOneEventEach([moving.id, res.body.results[1].id], [res.body.results[1].id]);
    });

    // Each contact's email is tracked as the batch folds it: one given up earlier is free again.
    test.each([
      {
        description: 'a new contact changing its email twice',
        setup: async () => undefined,
        items: (p: string[]) => [
          { phone: p[0], email: 'gone-twice-b@example.com' },
          { phone: p[0], email: 'gone-twice-c@example.com' },
          { phone: p[1], email: 'gone-twice-b@example.com' },
        ],
        expected: ['created', 'updated', 'created'],
      },
      {
        description: 'an existing contact clearing its email',
        setup: async (p: string[]) => expect((await create({ phone: p[0], email: 'cleared-a@example.com' })).status).toBe(201),
        items: (p: string[]) => [
          { phone: p[0], email: null },
          { phone: p[1], email: 'cleared-a@example.com' },
        ],
        expected: ['updated', 'created'],
      },
    ])('an email given up earlier in the batch is free for a later item: $description', async ({ setup, items, expected }) => {
      const phones = [phone(), phone()];
      await setup(phones);
      const res = await batch('phone', items(phones));
      expect(statuses(res)).toEqual(expected);
    });

    test('matching by a phone several contacts hold picks the oldest live one', async () => {
      const shared = phone();
      const newer = (await create({ phone: shared, firstName: 'Newer' })).body;
      const older = (await create({ phone: shared, firstName: 'Older', createdAt: '2015-06-01T00:00:00Z' })).body;
      const oldestDeleted = (await create({ phone: shared, firstName: 'Deleted', createdAt: '2010-06-01T00:00:00Z' })).body;
      expect((await t.h.request('DELETE', `/v1/contacts/${oldestDeleted.id}`, { key: t.ws.key })).status).toBe(200);
      await t.h.clearOutbox(t.ws.id);

      const res = await batch('phone', [{ phone: shared, lastName: 'Matched' }]);
      expect(res.body.results).toEqual([{ index: 0, status: 'updated', id: older.id, version: 2 }]);
      const single = await upsert('phone', { phone: shared, lastName: 'Matched again' });
      expect([single.body.status, single.body.contact.id]).toEqual(['updated', older.id]);
      expect((await get(newer.id)).version).toBe(1);
      expect((await get(oldestDeleted.id)).version).toBe(2); // created, deleted: untouched since
      expect((await t.h.outboxEvents(t.ws.id)).map((e) => e.aggregateId)).toEqual([older.id, older.id]);
    });

    test('concurrent upserts of one new email create one contact; the others update it', async () => {
      const address = email('racer');
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => upsert('email', { email: address, labels: { [`racer${i}`]: 'yes' } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(results.map((r) => r.body.status).sort()).toEqual(['created', 'updated', 'updated', 'updated', 'updated']);
      const ids = await liveContactsWithEmail(address);
      expect(ids).toHaveLength(1);
      expect((await readBack(ids[0])).labels).toEqual(labelsN('racer', 5, 'yes'));
    });

    test('concurrent batches creating the same new emails in opposite orders all succeed', async () => {
      // 1000 items, so the two inserts overlap in time; a few rounds, as an overlap is not certain.
      // Two writers taking the same emails in opposite orders must queue, not deadlock (a 500).
      for (let round = 0; round < 3; round++) {
        const addresses = Array.from({ length: 1000 }, () => email('crossing'));
        const [forward, backward] = await Promise.all([
          batch(
            'email',
            addresses.map((a) => ({ email: a, labels: { forward: 'yes' } })),
          ),
          batch(
            'email',
            [...addresses].reverse().map((a) => ({ email: a, labels: { backward: 'yes' } })),
          ),
        ]);
        expect([round, forward.status, backward.status]).toEqual([round, 200, 200]);
        expect([forward.body.summary.failed, backward.body.summary.failed]).toEqual([0, 0]);
        const rows = await query(
          `select c.email, array(select l.key from contact_labels l where l.contact_id = c.id order by l.key) as keys
             from contacts c where c.workspace_id = $1 and c.email = any($2::text[]) and c.deleted_at is null`,
          [t.ws.id, addresses],
        );
        expect(rows).toHaveLength(addresses.length);
        expect(rows.filter((r) => r.keys.join() !== 'backward,forward')).toEqual([]);
      }
    });

    test('createMissing at request level creates the tags of the batch once', async () => {
      const name = `batch-made ${randomUUID()}`;
      const res = await batch(
        'email',
        [
          { email: email(), tags: [name] },
          { email: email(), tags: [name, 'vip'] },
        ],
        { createMissing: true },
      );
      expect(statuses(res)).toEqual(['created', 'created']);
      const made = await query('select id from tags where workspace_id = $1 and name = $2', [t.ws.id, name]);
      expect(made).toHaveLength(1);
      expect((await get(res.body.results[1].id)).tagIds).toEqual(sorted([made[0].id, tags.vip]));
    });
  });

  describe('the snapshot built in SQL', () => {
    test('equals the API read field for field, for created and updated contacts with every field set', async () => {
      const existingEmail = email('every');
      const existing = (await create({ email: existingEmail, firstName: 'Before', customFields: { plan: 'basic', seats: 1 } })).body;
      await t.h.clearOutbox(t.ws.id);
      const [first, second] = [email('every'), email('every')];
      const res = await batch('email', [
        {
          email: first,
          phone: phone(),
          firstName: 'Ada',
          lastName: 'Lovelace',
          address: { street: '12 St James Square', city: 'London', region: 'Greater London', postalCode: 'SW1Y 4JH', country: 'gb' },
          timezone: 'Europe/London',
          language: 'en-gb',
          subscriptionCategories: ['news', 'events', 'news'],
          source: 'form',
          // Microseconds: Postgres keeps them, the snapshot shows milliseconds like Date#toISOString.
          consentAt: '2024-01-02T03:04:05.678999+02:00',
          customFields: { plan: 'pro', seats: 12.5, renewal: '2027-01-31', vip: true, since: '2026-11-24T10:00:00.123456+02:00' },
          emailRating: 87,
          emailStatus: 'unconfirmed',
          phoneStatus: 'blacklisted',
          statusReason: 'double opt-in pending',
          tags: ['vip', 'beta'],
          labels: { tier: 'gold', region: 'eu' },
          createdAt: '2020-05-06T07:08:09.123999Z',
        },
        {
          email: second,
          phone: phone(),
          firstName: 'Second',
          address: { city: 'Lyon', country: 'fr', street: null },
          timezone: 'America/Sao_Paulo',
          language: 'pt-br',
          subscriptionCategories: [],
          consentAt: '1950-01-01T00:00:00.999999Z',
          customFields: { vip: false, seats: 0 },
          emailRating: 0,
          tagIds: [tags.gamma],
          labels: { tier: 'silver' },
        },
        {
          email: existingEmail,
          phone: phone(),
          firstName: null,
          lastName: 'After',
          address: { street: '1 Rue de Rivoli', postalCode: '75001', country: 'FR' },
          timezone: 'Europe/Paris',
          language: 'fr',
          subscriptionCategories: ['offers'],
          source: 'import',
          consentAt: '2023-03-03T03:03:03Z',
          customFields: { plan: 'enterprise', seats: null, renewal: '2028-02-29' },
          emailRating: 42,
          emailStatus: 'spam_report',
          tags: ['gamma'],
          labels: { tier: 'bronze' },
        },
        { email: existingEmail, labels: { extra: 'yes' }, phoneStatus: 'blacklisted', createdAt: '2000-01-01T00:00:00Z' },
      ]);
      expect(statuses(res)).toEqual(['created', 'created', 'updated', 'updated']);
      const [a, b] = [res.body.results[0].id, res.body.results[1].id];

      const events = await expectOneEventEach([a, b, existing.id], [a, b]);
      for (const e of events) {
        for (const field of ['createdAt', 'updatedAt']) expect(e.payload.contact[field]).toMatch(ISO_MS);
      }
      expect(await readBack(a)).toMatchObject({
        address: { street: '12 St James Square', city: 'London', region: 'Greater London', postalCode: 'SW1Y 4JH', country: 'GB' },
        language: 'en-GB',
        subscriptionCategories: ['events', 'news'],
        consentAt: '2024-01-02T01:04:05.678Z',
        customFields: { plan: 'pro', seats: 12.5, renewal: '2027-01-31', vip: true, since: '2026-11-24T08:00:00.123Z' },
        createdAt: '2020-05-06T07:08:09.123Z',
        tagIds: sorted([tags.vip, tags.beta]),
      });
      expect(await readBack(existing.id)).toMatchObject({
        firstName: null,
        lastName: 'After',
        address: { street: '1 Rue de Rivoli', city: null, region: null, postalCode: '75001', country: 'FR' },
        customFields: { plan: 'enterprise', renewal: '2028-02-29' },
        emailStatus: 'spam_report',
        phoneStatus: 'blacklisted',
        labels: { tier: 'bronze', extra: 'yes' },
        createdAt: existing.createdAt,
        version: 2,
      });
      expect((await history(existing.id)).map((h) => [h.channel, h.status, h.reason]).sort()).toEqual([
        ['email', 'spam_report', 'set by batch upsert'],
        ['phone', 'blacklisted', 'set by batch upsert'],
      ]);
    });
  });

  describe('bulk status', () => {
    test('counts requested, matched, changed and not found; history and events only for the changed', async () => {
      const changing = (await create({ email: email() })).body;
      const already = (await create({ email: email(), emailStatus: 'unsubscribed' })).body;
      const deleted = (await create({ email: email() })).body;
      expect((await t.h.request('DELETE', `/v1/contacts/${deleted.id}`, { key: t.ws.key })).status).toBe(200);
      const unknown = randomUUID();
      const historyOfAlready = await history(already.id);
      await t.h.clearOutbox(t.ws.id);

      const res = await post('/v1/contacts/bulk-status', {
        contactIds: [changing.id, already.id, deleted.id, unknown],
        channel: 'email',
        status: 'unsubscribed',
        reason: 'list cleanup',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ requested: 4, matched: 2, changed: 1, notFound: 2 });
      expect(await get(changing.id)).toMatchObject({ emailStatus: 'unsubscribed', version: 2 });
      expect((await history(changing.id))[0]).toMatchObject({ channel: 'email', status: 'unsubscribed', reason: 'list cleanup' });
      expect(await history(already.id)).toEqual(historyOfAlready);
      expect(await get(already.id)).toEqual(already);
      expect((await get(deleted.id)).emailStatus).toBe('active');
      await expectOneEventEach([changing.id]);
    });

    test('without a reason the history says it was a bulk change', async () => {
      const c = (await create({ phone: phone() })).body;
      const res = await post('/v1/contacts/bulk-status', { contactIds: [c.id], channel: 'phone', status: 'blacklisted' });
      expect(res.body).toEqual({ requested: 1, matched: 1, changed: 1, notFound: 0 });
      expect((await history(c.id))[0]).toMatchObject({ channel: 'phone', status: 'blacklisted', reason: 'bulk status change' });
    });

    test.each([
      {
        description: 'a status of the other channel',
        body: () => ({ contactIds: [randomUUID()], channel: 'phone', status: 'unsubscribed' }),
        field: 'body.status',
        rule: 'Invalid option: expected one of "active"|"opted_out"|"blacklisted"',
      },
      {
        description: 'an unknown status',
        body: () => ({ contactIds: [randomUUID()], channel: 'email', status: 'gone' }),
        field: 'body.status',
        rule: STATUS_RULE,
      },
      {
        description: 'more than 10000 ids',
        body: () => ({ contactIds: Array.from({ length: 10_001 }, () => randomUUID()), channel: 'email', status: 'blacklisted' }),
        field: 'body.contactIds',
        rule: 'must hold at most 10000 contact ids',
      },
    ])('$description is refused naming $field', async ({ body, field, rule }) => {
      const res = await post('/v1/contacts/bulk-status', body());
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field, rule }]);
      expect(await t.h.outboxEvents(t.ws.id)).toEqual([]);
    });
  });

  describe('label keys special to JavaScript', () => {
    async function expectSpecialLabels(id: string, others: Record<string, string> = {}) {
      const expected = { ...specialLabels(), ...others };
      expect(await labelRows(id)).toEqual(expected);
      const contact = await readBack(id);
      for (const key of SPECIAL_KEYS) expect([key, Object.hasOwn(contact.labels, key)]).toEqual([key, true]);
      const [event] = (await t.h.outboxEvents(t.ws.id)).filter((e) => e.aggregateId === id);
      for (const key of SPECIAL_KEYS)
        expect([key, Object.hasOwn(event!.payload.contact.labels, key), event!.payload.contact.labels[key]]).toEqual([key, true, expected[key]]);
      expect(event!.payload.contact.labels).toEqual(expected);
    }

    test('via create', async () => {
      const res = await create({ email: email(), labels: { ...specialLabels(), tier: 'gold' } });
      expect(res.status).toBe(201);
      await expectSpecialLabels(res.body.id, { tier: 'gold' });
    });

    test('via batch upsert, creating and merging into an existing contact', async () => {
      const address = email();
      const existing = (await create({ email: address, labels: { tier: 'gold' } })).body;
      await t.h.clearOutbox(t.ws.id);
      const res = await batch('email', [
        { email: email(), labels: specialLabels() },
        { email: address, labels: specialLabels() },
      ]);
      expect(statuses(res)).toEqual(['created', 'updated']);
      await expectSpecialLabels(res.body.results[0].id);
      await expectSpecialLabels(existing.id, { tier: 'gold' });
    });

    test('via upsert with labelsMode replace', async () => {
      const address = email();
      const existing = (await create({ email: address, labels: { tier: 'gold', ...specialLabels() } })).body;
      await t.h.clearOutbox(t.ws.id);
      const kept = JSON.parse('{"__proto__":"proto-value","constructor":"changed"}');
      const res = await upsert('email', { email: address, labels: kept, labelsMode: 'replace' });
      expect([res.status, res.body.status]).toEqual([200, 'updated']);
      expect(await labelRows(existing.id)).toEqual(kept);
      expect(Object.keys(res.body.contact.labels).sort()).toEqual(['__proto__', 'constructor']);
      const [event] = await t.h.outboxEvents(t.ws.id);
      expect(Object.hasOwn(event!.payload.contact.labels, '__proto__')).toBe(true);
      expect(event!.payload.contact.labels).toEqual(kept);
    });
  });
});

describe('read-your-writes after a batch upsert', () => {
  const m = useApiHarness({ relay: true, indexer: true });

  test("the answer's Consistency-Token answers consistent once the indexer ran", async () => {
    const res = await m.h.request('POST', '/v1/contacts/batch-upsert', {
      key: m.ws.key,
      body: {
        matchBy: 'email',
        createMissing: true,
        contacts: [
          { email: 'ryw-1@example.com', tags: ['fresh'], labels: { tier: 'gold' } },
          { email: 'ryw-2@example.com', emailStatus: 'unsubscribed' },
          { email: 'ryw-1@example.com', firstName: 'Folded' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ created: 2, updated: 1, unchanged: 0, failed: 0 });
    const token = res.headers.get('consistency-token');
    expect(token).toMatch(/^ct1_/);

    const consistency = await m.h.request('GET', `/v1/consistency?consistencyToken=${encodeURIComponent(token!)}&waitMs=10000`, { key: m.ws.key });
    expect([consistency.status, consistency.body]).toEqual([200, { consistent: true, waitedMs: expect.any(Number) }]);
    // Consistent means the index holds exactly what Postgres holds, versions included.
    expect(await searchIndexDifferences(m.h.env, m.ws.id)).toEqual([]);
  });
});
