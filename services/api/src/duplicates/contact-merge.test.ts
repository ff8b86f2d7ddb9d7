// The merge plan: fill what the kept contact lacks, keep its own values, the strictest status,
// and report what could not be carried over.
import type { ContactSnapshot } from '@segmenter/shared';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { labelsLeftBehind, planMerge } from './contact-merge';

let n = 0;
/** A contact with a phone and nothing else: each test gives it what it needs. */
function contact(over: Partial<ContactSnapshot> = {}): ContactSnapshot {
  n += 1;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return contactSnapshot('00000000-0000-4000-8000-000000000000', id, 1, { email: null, phone: '+14155550100', firstName: null, ...over });
}

test('fills empty fields from the oldest merged contact first and reports conflicting values', () => {
  const kept = contact({ firstName: 'Ada', address: { street: null, city: 'Paris', region: null, postalCode: null, country: null } });
  const a = contact({
    email: 'a@example.com',
    firstName: 'Adeline',
    lastName: 'Lovelace',
    address: { street: '1 Rue', city: 'Lyon', region: null, postalCode: null, country: 'FR' },
  });
  const b = contact({ email: 'b@example.com', lastName: 'Lovelace' });
  const plan = planMerge(kept, [a, b]);
  expect(plan.fields).toEqual({ email: 'a@example.com', lastName: 'Lovelace', address: { street: '1 Rue', country: 'FR' } });
  expect(plan.notCarriedOver).toEqual([
    { contactId: b.id, field: 'email', rule: "the kept contact's own value is kept" },
    { contactId: a.id, field: 'firstName', rule: "the kept contact's own value is kept" },
    { contactId: a.id, field: 'address.city', rule: "the kept contact's own value is kept" },
  ]);
});

test('custom fields and tags are added, the strictest status wins', () => {
  const kept = contact({ customFields: { plan: 'pro' }, tagIds: ['t1'], phoneStatus: 'opted_out' });
  const other = contact({
    email: 'b@x.io',
    customFields: { plan: 'free', seats: 3 },
    tagIds: ['t1', 't2'],
    emailStatus: 'unsubscribed',
    phoneStatus: 'active',
  });
  const plan = planMerge(kept, [other]);
  expect(plan.customFields).toEqual({ plan: 'pro', seats: 3 });
  expect(plan.tagIds).toEqual(['t2']);
  expect(plan.statuses).toEqual({ email: { status: 'unsubscribed', from: other.id } });
  expect(plan.notCarriedOver).toEqual([{ contactId: other.id, field: 'customFields.plan', rule: "the kept contact's own value is kept" }]);
});

test("a status belongs to its address: another address's opt-out does not suppress the kept one", () => {
  const kept = contact({ email: 'a@x.io' });
  const other = contact({ email: 'b@x.io', emailStatus: 'unsubscribed', phoneStatus: 'blacklisted' });
  const plan = planMerge(kept, [other]);
  // The phone is shared (the merge key), so its strictest status wins; b@x.io stays behind, with its own status.
  expect(plan.statuses).toEqual({ phone: { status: 'blacklisted', from: other.id } });
  expect(plan.notCarriedOver).toEqual([{ contactId: other.id, field: 'email', rule: "the kept contact's own value is kept" }]);
  // A status with no address at all carries nothing.
  expect(planMerge(contact(), [contact({ emailStatus: 'unsubscribed' })]).statuses).toEqual({});
});

test('labels named __proto__, constructor and prototype are carried over like any other', () => {
  const labels = JSON.parse('{"__proto__": "x", "constructor": "y", "prototype": "z"}');
  const plan = planMerge(contact(), [contact({ labels })]);
  expect([...plan.labels]).toEqual([
    ['__proto__', 'x'],
    ['constructor', 'y'],
    ['prototype', 'z'],
  ]);
  expect(Object.keys(Object.fromEntries(plan.labels))).toEqual(['__proto__', 'constructor', 'prototype']);
});

test('labels beyond the limit are reported', () => {
  const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  const other = contact({ labels: { extra: 'v', k0: 'v' } });
  const plan = planMerge(contact({ labels: full }), [other]);
  expect(plan.labels.size).toBe(0);
  expect(plan.notCarriedOver).toEqual([{ contactId: other.id, field: 'labels.extra', rule: 'does not fit: a contact holds at most 50 labels' }]);
  expect(labelsLeftBehind(plan)).toEqual([{ contactId: other.id, key: 'extra' }]);
});
