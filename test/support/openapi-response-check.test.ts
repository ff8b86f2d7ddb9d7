// The response check of the integration harness, on answers made up here: it must pass what the
// document promises and name the operation, the status and the rule for anything else.
import { responseCheckEnabled, responseViolation } from './openapi-response-check';

const tag = { id: '6f1c2a7e-3b4d-4c5e-8f60-718293a4b5c6', name: 'VIP', protected: false, createdAt: '2026-01-15T10:00:00.000Z' };
const problem = { type: 'about:blank', title: 'Not found', status: 404, detail: 'Tag x was not found', instance: '/v1/tags/x', errors: [] };

test.each([
  ['a listed status with a matching body', 'GET', `/v1/tags/${tag.id}`, 200, 'application/json; charset=utf-8', tag],
  ['a problem of a listed error status', 'GET', `/v1/tags/${tag.id}`, 404, 'application/problem+json; charset=utf-8', problem],
  ['an extra field (answers are open)', 'GET', `/v1/tags/${tag.id}`, 200, 'application/json', { ...tag, color: 'red' }],
  ['a literal path before a template', 'GET', '/v1/contacts/deleted?limit=5', 200, 'application/json', { items: [], nextCursor: null }],
  ['a stream: the content type only', 'POST', '/v1/exports/contacts', 200, 'text/csv; charset=utf-8', 'id,email\n'],
  ['an unknown route', 'GET', '/v1/nothing-here', 404, 'application/problem+json', { ...problem, detail: 'No route for GET /v1/nothing-here' }],
])('passes %s', (_what, method, path, status, contentType, body) => {
  expect(responseViolation(method, path, status, contentType, body)).toBeUndefined();
});

test.each([
  [
    'a status the document does not list',
    'GET',
    '/v1/tags',
    500,
    'application/problem+json',
    problem,
    /GET \/v1\/tags answered 500, which the OpenAPI document does not list/,
  ],
  [
    'a missing field',
    'GET',
    `/v1/tags/${tag.id}`,
    200,
    'application/json',
    { ...tag, name: undefined },
    /GET \/v1\/tags\/\{id\} answered 200 with a body that does not match[\s\S]*must have required property 'name'/,
  ],
  ['a field of the wrong type', 'GET', `/v1/tags/${tag.id}`, 200, 'application/json', { ...tag, protected: 'no' }, /\/protected must be boolean/],
  [
    'a problem without errors',
    'GET',
    `/v1/tags/${tag.id}`,
    404,
    'application/problem+json',
    { ...problem, errors: undefined },
    /must have required property 'errors'/,
  ],
  ['another content type', 'POST', '/v1/exports/contacts', 200, 'application/json', {}, /as "application\/json", but the document lists text\/csv/],
])('names %s', (_what, method, path, status, contentType, body, message) => {
  expect(responseViolation(method, path, status, contentType, body)).toMatch(message);
});

test('on unless OPENAPI_RESPONSE_CHECK=off', () => {
  const saved = process.env.OPENAPI_RESPONSE_CHECK;
  try {
    delete process.env.OPENAPI_RESPONSE_CHECK;
    expect(responseCheckEnabled()).toBe(true);
    process.env.OPENAPI_RESPONSE_CHECK = 'off';
    expect(responseCheckEnabled()).toBe(false);
  } finally {
    if (saved === undefined) delete process.env.OPENAPI_RESPONSE_CHECK;
    else process.env.OPENAPI_RESPONSE_CHECK = saved;
  }
});
