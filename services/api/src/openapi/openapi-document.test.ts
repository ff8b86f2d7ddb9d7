import { errorStatuses, OPERATIONS, openApiDocument } from './openapi-document';

const document = openApiDocument();

test('an OpenAPI 3.1 document with every operation once', () => {
  expect(document.openapi).toBe('3.1.0');
  const keys = OPERATIONS.map((op) => `${op.method} ${op.path}`);
  expect(new Set(keys).size).toBe(keys.length);
  for (const op of OPERATIONS) expect(document.paths[op.path]![op.method]).toBeDefined();
});

test('path parameters match the placeholders of their path', () => {
  for (const op of OPERATIONS) {
    const placeholders = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const declared = (document.paths[op.path]![op.method] as { parameters: { name: string; in: string }[] }).parameters
      .filter((p) => p.in === 'path')
      .map((p) => p.name)
      .sort();
    expect([op.path, declared]).toEqual([op.path, placeholders]);
  }
});

test('request bodies come from the validating schemas: limits and enums show', () => {
  const create = document.paths['/v1/contacts']!.post as { requestBody: { content: { 'application/json': { schema: any } } } };
  const schema = create.requestBody.content['application/json'].schema;
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.firstName.anyOf ?? [schema.properties.firstName]).toEqual(expect.arrayContaining([expect.objectContaining({ maxLength: 100 })]));
  expect(JSON.stringify(schema.properties.emailStatus)).toContain('spam_report');
  const list = document.paths['/v1/contacts']!.get as { parameters: { name: string; required: boolean }[] };
  expect(list.parameters.map((p) => [p.name, p.required])).toEqual([
    ['limit', false],
    ['order', false],
    ['cursor', false],
    ['q', false],
    ['sort', false],
    ['emailStatus', false],
    ['phoneStatus', false],
  ]);
  // The status filters list the statuses' own vocabulary.
  const emailStatus = (list.parameters as unknown as { name: string; schema: unknown }[]).find((p) => p.name === 'emailStatus')!;
  expect(JSON.stringify(emailStatus.schema)).toContain('spam_report');
});

test('create and batch endpoints document Idempotency-Key', () => {
  const op = document.paths['/v1/contacts/batch-upsert']!.post as { parameters: { name: string }[] };
  expect(op.parameters.map((p) => p.name)).toContain('Idempotency-Key');
});

/** Every schema node under `node` that says nothing: `{}` or an object with no properties. */
function untypedSchemas(node: unknown, at: string, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => untypedSchemas(n, `${at}[${i}]`, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Object.keys(o).length === 0) found.push(at);
    if (o.type === 'object' && !o.properties && !o.additionalProperties && !o.propertyNames) found.push(at);
    for (const [k, v] of Object.entries(o)) {
      // Property names and examples are data, not schemas; `result` of a job is described any JSON.
      if (k === 'properties' || k === 'content') {
        // Maps of schemas (or media types), not schemas themselves: `properties: {}` is a body with no fields.
        for (const [name, child] of Object.entries(v as object)) untypedSchemas(child, `${at}.${k}.${name}`, found);
      } else if (k !== 'examples' && k !== 'default') untypedSchemas(v, `${at}.${k}`, found);
    }
  }
  return found;
}

test('every request and answer body is typed: no {} and no bare object', () => {
  const found: string[] = [];
  for (const op of OPERATIONS) {
    const operation = document.paths[op.path]![op.method] as { requestBody?: unknown; responses: unknown };
    untypedSchemas(operation.requestBody, `${op.method} ${op.path} requestBody`, found);
    untypedSchemas(operation.responses, `${op.method} ${op.path} responses`, found);
  }
  const { Job, ...others } = document.components.schemas;
  untypedSchemas(others, 'components', found);
  expect(found).toEqual([]);
});

test('every success answer has a body schema or says why it has none', () => {
  for (const op of OPERATIONS) {
    const responses = (
      document.paths[op.path]![op.method] as { responses: Record<string, { description: string; content?: Record<string, { schema: object }> }> }
    ).responses;
    const successes = Object.entries(responses).filter(([status]) => Number(status) < 300);
    expect([op.path, successes.length > 0]).toEqual([op.path, true]);
    for (const [status, answer] of successes) {
      if (status === '204') expect(answer.content).toBeUndefined();
      else expect([op.method, op.path, status, Object.keys(answer.content ?? {}).length > 0]).toEqual([op.method, op.path, status, true]);
    }
  }
});

test('errors: every operation lists 400, 401 and 403 as problems; path ids 404; bodies 413; idempotent writes 422', () => {
  for (const op of OPERATIONS) {
    const responses = (document.paths[op.path]![op.method] as { responses: Record<string, { content?: Record<string, unknown> }> }).responses;
    const expected = [400, 401, 403, ...(op.path.includes('{') ? [404] : []), ...(op.body || op.csvBody ? [413] : []), ...(op.idempotent ? [422] : [])];
    for (const status of expected)
      expect([op.method, op.path, status, Object.keys(responses[status]?.content ?? {})]).toEqual([op.method, op.path, status, ['application/problem+json']]);
  }
  expect(errorStatuses(OPERATIONS.find((op) => op.path === '/v1/imports/{id}/file')!)).toEqual([400, 401, 403, 404, 409, 413, 415, 429]);
  expect(errorStatuses(OPERATIONS.find((op) => op.path === '/v1/counts')!)).toEqual([400, 401, 403, 429, 503]);
  // Limits (http/rate-limits) answer 429 with Retry-After on every keyed operation, never on the operator's.
  const count = (document.paths['/v1/segments/count']!.post as { responses: Record<string, { headers?: Record<string, unknown> }> }).responses;
  expect(Object.keys(count['429']?.headers ?? {})).toEqual(['Retry-After']);
  expect(count['503']).toBeDefined();
  expect(errorStatuses(OPERATIONS.find((op) => op.path === '/v1/admin/search-index')!)).not.toContain(429);
});

test('one Problem schema: type, title, status, detail and errors [{ field, rule }] always', () => {
  const problem = document.components.schemas.Problem as { required: string[]; properties: { errors: { items: { required: string[] } } } };
  expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
  expect(problem.properties.errors.items.required).toEqual(['field', 'rule']);
});

test('the condition tree is one recursive component, used by segment requests and answers', () => {
  const text = JSON.stringify(document.components.schemas.Condition);
  expect(text).toContain('"$ref":"#/components/schemas/Condition"');
  expect(text).not.toContain('"$ref":"#"');
  const create = document.paths['/v1/segments']!.post as {
    requestBody: { content: { 'application/json': { schema: { properties: { condition: unknown } } } } };
  };
  expect(create.requestBody.content['application/json'].schema.properties.condition).toEqual({ $ref: '#/components/schemas/Condition' });
});

test('the description says what exists', () => {
  expect(document.info.description).not.toMatch(/soon/i);
  expect(document.info.description).toMatch(/segments/);
});

test('workspace writes document their Consistency-Token header; reads and operator calls do not', () => {
  const headersOf = (path: string, method: string, status: number) =>
    Object.keys((document.paths[path]![method] as { responses: Record<string, { headers?: object }> }).responses[status]!.headers ?? {});
  expect(headersOf('/v1/contacts', 'post', 201)).toEqual(['Consistency-Token']);
  expect(headersOf('/v1/contacts/{id}/erase', 'delete', 204)).toEqual(['Consistency-Token']);
  expect(headersOf('/v1/contacts', 'get', 200)).toEqual([]);
  expect(headersOf('/v1/admin/workspaces', 'post', 201)).toEqual([]);
});
