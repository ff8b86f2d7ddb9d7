import { ConflictError, ValidationError } from './app-error';
import { newErrorId, tenantFacingMessage } from './internal-failure';

const OURS = 'the job stopped because of an internal error';

test.each([
  ['a validation we raised keeps its words', new ValidationError([{ field: 'body.file', rule: 'must be CSV' }]), 'body.file: must be CSV'],
  ['a conflict we raised keeps its words', new ConflictError('the tag is in use'), 'the tag is in use'],
  [
    'an Elasticsearch error is replaced',
    Object.assign(new Error('search_phase_execution_exception: [test-1-contacts] too_complex_to_determinize'), { name: 'ResponseError' }),
    OURS,
  ],
  ['a Postgres error is replaced', Object.assign(new Error('duplicate key value violates unique constraint "tags_pkey"'), { code: '23505' }), OURS],
  ['a thrown string is replaced', 'KafkaJSConnectionError: broker 127.0.0.1:9092 down', OURS],
])('%s, and carries the error id', (_case, err, expected) => {
  const errorId = newErrorId();
  expect(tenantFacingMessage(err, errorId, OURS)).toBe(`${expected} (error id ${errorId})`);
});

test('error ids are unique UUIDs', () => {
  const ids = new Set(Array.from({ length: 100 }, newErrorId));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
