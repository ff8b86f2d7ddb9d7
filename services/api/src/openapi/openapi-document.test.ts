import { OPERATIONS, openApiDocument } from './openapi-document';

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
    const declared = ((document.paths[op.path]![op.method] as { parameters: { name: string; in: string }[] }).parameters)
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
  ]);
});

test('create and batch endpoints document Idempotency-Key', () => {
  const op = document.paths['/v1/contacts/batch-upsert']!.post as { parameters: { name: string }[] };
  expect(op.parameters.map((p) => p.name)).toContain('Idempotency-Key');
});
