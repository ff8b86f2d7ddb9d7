import { contactDocument } from '@segmenter/shared';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { driftOf } from './reconcile-job';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const ID = '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10';
const doc = (version: number, overrides = {}) => contactDocument(contactSnapshot(WS, ID, version, overrides));
const found = (version: number, source = doc(version)) => ({ id: ID, version, source });

test.each([
  ['equal', doc(3), found(3), undefined],
  ['missing', doc(3), undefined, 'missing'],
  ['stale', doc(3), found(2), 'stale'],
  ['ahead', doc(3), found(4), 'ahead'],
  ['mismatched (same version, other labels)', doc(3), found(3, doc(3, { labels: { tier: 'gold' } })), 'mismatched'],
  ['extra (no contact, live document)', undefined, found(3), 'extra'],
  ['tombstone without contact (erased)', undefined, found(4, { workspace_id: WS, contact_id: ID, version: 4, deleted: true, erased: true }), undefined],
  ['neither', undefined, undefined, undefined],
] as const)('%s', (_name, expected, hit, kind) => {
  expect(driftOf(expected, hit as never)).toBe(kind);
});
