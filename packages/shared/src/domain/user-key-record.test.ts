import { z } from 'zod';
import { parseChangeEvent } from '../events/change-events';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { contactDocument } from '../search-index/contact-document';
import { LabelKey } from './contact-domain';
import { userKeyRecord } from './user-key-record';

// Parsed, not literals: `{ __proto__: 'x' }` in code would set the prototype instead of a key.
const SPECIAL = () => JSON.parse('{"__proto__":"p","constructor":"c","prototype":"t"}') as Record<string, string>;
const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const ID = '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10';

describe('userKeyRecord', () => {
  const Labels = userKeyRecord(LabelKey, z.string().min(1, 'must not be empty'), { noun: 'labels', maxEntries: 3 });

  test('keys special to JavaScript stay own keys (z.record drops "__proto__")', () => {
    expect(Object.keys(z.record(z.string(), z.string()).parse(SPECIAL()))).not.toContain('__proto__');
    const parsed = Labels.parse(SPECIAL());
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(JSON.stringify(parsed)).toBe('{"__proto__":"p","constructor":"c","prototype":"t"}');
  });

  test.each([
    ['a key breaking the key rule', { 'a b': 'x' }, [{ path: ['a b'], message: 'key letters, digits, "_" and "-" only' }]],
    ['a value breaking the value rule', JSON.parse('{"__proto__":""}'), [{ path: ['__proto__'], message: 'value must not be empty' }]],
    ['too many entries', { a: '1', b: '2', c: '3', d: '4' }, [{ path: [], message: 'must hold at most 3 labels' }]],
    ['an array', ['x'], [{ path: [], message: 'must be an object of key: value labels' }]],
    ['null', null, [{ path: [], message: 'must be an object of key: value labels' }]],
  ])('refuses %s, naming the key', (_what, input, expected) => {
    const result = Labels.safeParse(input);
    expect(result.success ? [] : result.error.issues.map(({ path, message }) => ({ path, message }))).toEqual(expected);
  });
});

describe('change events keep special keys, so the indexed document holds them', () => {
  test.each(['contact.upserted', 'contact.labels_set'] as const)('%s', (type) => {
    const contact = contactSnapshot(WS, ID, 2, { labels: SPECIAL(), customFields: JSON.parse('{"constructor":"c","prototype":1}') });
    const wire = JSON.stringify({
      schemaVersion: 1,
      eventId: '7',
      occurredAt: '2026-11-24T10:00:00.000Z',
      workspaceId: WS,
      contactId: ID,
      contact,
      type,
      ...(type === 'contact.labels_set' ? { labels: SPECIAL() } : { created: false }),
    });
    const event = parseChangeEvent(wire);
    if (!('contact' in event)) throw new Error('not a contact event');
    expect(Object.keys(event.contact.labels)).toEqual(['__proto__', 'constructor', 'prototype']);
    if (event.type === 'contact.labels_set') expect(Object.keys(event.labels)).toEqual(['__proto__', 'constructor', 'prototype']);
    const doc = contactDocument(event.contact);
    expect(doc.labels).toEqual(['__proto__=p', 'constructor=c', 'prototype=t']);
    expect(doc.label_keys).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(doc.custom_field_keys).toEqual(['constructor', 'prototype']);
  });
});
