// Requests for the route fuzz test, generated from the OpenAPI document so a new operation is
// fuzzed without editing the test: a valid-looking request (values derived from its schemas and
// the workspace's real ids), then one part of it made hostile (path, query, body, raw body, auth,
// headers). Everything the generators know about the API comes from the document.
import fc from 'fast-check';
import type { Operation } from '../../services/api/src/http/operation';
import {
  deepValue,
  hostileValue,
  HUGE_NUMBERS,
  ODD_DATES,
  oddCursor,
  oddText,
  RawJson,
  segmentText,
  specialKeyObject,
  toJsonText,
  wrongType,
} from './fuzz-values';

type JsonSchema = Record<string, any>;
type OpenApiDocument = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, JsonSchema> } };

/** What the fuzzed workspace holds, so valid-looking requests reach past "not found". */
export interface FuzzContext {
  document: OpenApiDocument;
  keys: { valid: string; readOnly: string; otherWorkspace: string; operator: string };
  /** Real values by the path segment before a placeholder (`contacts` -> a contact id) or by parameter name. */
  pathValues: Record<string, string[]>;
  /** Real values for body and query fields, by property name (`segmentId`, `tags`, `contactIds`, `key`, ...). */
  fieldValues: Record<string, unknown[]>;
}

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded as sent (it may hold deliberate garbage such as `%ZZ`). */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What was made hostile, for the failure report. */
  target: Target;
}

type Target = 'path' | 'query' | 'body' | 'raw' | 'auth' | 'headers';

/** How deep `$ref`s (the condition tree) are followed before only leaves are chosen. */
const MAX_REF_DEPTH = 3;
const FALLBACK_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Percent-encodes text as UTF-8, and lone surrogates as the bytes a naive encoder would send
 * (WTF-8: `%ED%A0%80`), which encodeURIComponent refuses to produce.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const cu = ch.charCodeAt(0);
    if (ch.length === 1 && cu >= 0xd800 && cu <= 0xdfff) {
      out += [0xe0 | (cu >> 12), 0x80 | ((cu >> 6) & 0x3f), 0x80 | (cu & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

function resolveRef(document: OpenApiDocument, ref: string): JsonSchema {
  const name = ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function stringFromSchema(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid({ version: 4 });
  if (schema.format === 'date-time')
    return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'email') return fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `${s}@fuzz.example.com`);
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 16, minLength + 16);
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity));
    } catch {
      // A JSON Schema pattern JavaScript cannot read: fall back to plain text.
    }
  }
  return fc.string({ minLength, maxLength });
}

/**
 * A value that satisfies the schema (mostly: refinements beyond JSON Schema are not known here),
 * preferring the workspace's real values for fields whose name the context knows.
 */
export function validFromSchema(ctx: FuzzContext, schema: JsonSchema, field?: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return validFromSchema(ctx, resolveRef(ctx.document, schema.$ref), field, depth + 1);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const branches: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const leaves = branches.filter((b) => !JSON.stringify(b).includes('$ref'));
    const usable = depth >= MAX_REF_DEPTH && leaves.length > 0 ? leaves : branches;
    return fc.oneof(...usable.map((b) => validFromSchema(ctx, b, field, depth)));
  }
  const known = field ? ctx.fieldValues[field] : undefined;
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  const withKnown = (arb: fc.Arbitrary<unknown>) =>
    known && known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: arb }) : arb;
  switch (type) {
    case 'string':
      return withKnown(stringFromSchema(schema));
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      return fc.integer({ min, max: Math.min(schema.maximum ?? min + 100, min + 100) });
    }
    case 'number':
      return fc.integer({ min: Math.ceil(schema.minimum ?? 0), max: Math.floor(Math.min(schema.maximum ?? 100, 100)) });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const item = validFromSchema(ctx, schema.items ?? {}, field, depth + 1);
      return withKnown(fc.array(item, { minLength, maxLength: Math.min(schema.maxItems ?? minLength + 3, minLength + 3) }));
    }
    case 'object':
      return objectFromSchema(ctx, schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFromSchema(ctx: FuzzContext, schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0 && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const key = schema.propertyNames ? (stringFromSchema(schema.propertyNames) as fc.Arbitrary<string>) : fc.string({ minLength: 1, maxLength: 10 });
    const maxKeys = Math.min(schema.maxProperties ?? 3, 3);
    return fc.dictionary(key, validFromSchema(ctx, schema.additionalProperties, undefined, depth + 1), { minKeys: Math.min(1, maxKeys), maxKeys });
  }
  const model = Object.fromEntries(names.map((n) => [n, validFromSchema(ctx, properties[n]!, n, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((n: string) => n in properties) });
}

/** Copies JSON (own `__proto__` keys kept as own keys, RawJson fragments shared). */
function cloneJson(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJson(v)]));
}

type Step = string | number;

function pathsOf(value: unknown, at: Step[] = [], out: Step[][] = []): Step[][] {
  out.push(at);
  if (out.length > 60 || value instanceof RawJson || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

const setOwn = (target: object, key: Step, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

interface Mutation {
  kind: 'replace' | 'delete' | 'extra' | 'wrap';
  key: string;
  value: unknown;
}

function applyMutation(valid: unknown, path: Step[], m: Mutation): unknown {
  const root = cloneJson(valid);
  if (path.length === 0) {
    if (m.kind === 'wrap') return [root];
    if (m.kind === 'extra' && root && typeof root === 'object' && !Array.isArray(root)) return setOwn(root as object, m.key, m.value);
    return m.value;
  }
  let parent: any = root;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path[path.length - 1]!;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (m.kind === 'wrap') {
    setOwn(parent, last, [parent[last]]);
  } else if (m.kind === 'extra' && parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    setOwn(parent[last], m.key, m.value);
  } else {
    setOwn(parent, last, m.value);
  }
  return root;
}

const hostileForField = (field: string | number | undefined): fc.Arbitrary<unknown> => {
  if (field === 'text') return fc.oneof(segmentText(), hostileValue());
  if (field === 'condition') return fc.oneof(deepValue(), hostileValue(), specialKeyObject());
  return hostileValue();
};

/** A valid-looking value with one place in it made hostile: replaced, removed, wrapped, or given an extra key. */
export function mutatedFromSchema(ctx: FuzzContext, schema: JsonSchema): fc.Arbitrary<unknown> {
  return validFromSchema(ctx, schema).chain((valid) => {
    const paths = pathsOf(valid);
    return fc.constantFrom(...paths).chain((path) =>
      fc
        .record({
          kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'replace', 'replace', 'delete', 'extra', 'wrap'),
          key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), oddText()),
          value: hostileForField(path[path.length - 1]),
        })
        .map((m) => applyMutation(valid, path, m)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Requests

interface OperationShape {
  op: Operation;
  pathParams: { name: string; schema: JsonSchema; known: string[] }[];
  queryParams: { name: string; required: boolean; schema: JsonSchema }[];
  jsonBody?: JsonSchema;
  csvBody: boolean;
}

function shapeOf(ctx: FuzzContext, op: Operation): OperationShape {
  const entry = ctx.document.paths[op.path]![op.method]!;
  const parameters: { name: string; in: string; required: boolean; schema: JsonSchema }[] = entry.parameters ?? [];
  const segments = op.path.split('/');
  const pathParams = parameters
    .filter((p) => p.in === 'path')
    .map((p) => {
      const before = segments[segments.indexOf(`{${p.name}}`) - 1] ?? '';
      // `/contacts/{id}` -> the contacts' ids; `/labels/{key}` -> label keys; `{field}` by its name.
      const known = ctx.pathValues[before.startsWith('{') ? p.name : before] ?? ctx.pathValues[p.name] ?? [];
      return { name: p.name, schema: p.schema, known };
    });
  const queryParams = parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required, schema: p.schema }));
  const content = entry.requestBody?.content ?? {};
  return { op, pathParams, queryParams, jsonBody: content['application/json']?.schema, csvBody: 'text/csv' in content };
}

const asQueryText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

const HOSTILE_PATH_PIECES = [
  '%ZZ',
  '%',
  '%0',
  '%00',
  '%C0%AE',
  '%ED%A0%80',
  '%E2%80%AE',
  '%EF%BB%BF',
  '%FF%FE',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  ';',
  ':',
  '~',
  '-1',
  '0',
  '1e308',
  'NaN',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'x'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{id}',
  '%7Bid%7D',
];

function hostilePathPiece(known: string[]): fc.Arbitrary<string> {
  const variants: fc.Arbitrary<string>[] = [
    fc.constantFrom(...HOSTILE_PATH_PIECES),
    oddText().map(percentEncode),
    fc.uuid().map((u) => u),
    fc.constantFrom(...ODD_DATES).map(percentEncode),
  ];
  if (known.length > 0)
    variants.push(
      fc.constantFrom(...known).map((k) => percentEncode(`${k.toUpperCase()} `)),
      fc.constantFrom(...known).map((k) => `${k}%00`),
    );
  return fc.oneof(...variants);
}

function validPath(ctx: FuzzContext, shape: OperationShape): fc.Arbitrary<Record<string, string>> {
  const model = Object.fromEntries(
    shape.pathParams.map((p) => [
      p.name,
      p.known.length > 0
        ? fc.constantFrom(...p.known)
        : (validFromSchema(ctx, p.schema).map((v) => percentEncode(asQueryText(v) || 'x')) as fc.Arbitrary<string>),
    ]),
  );
  return fc.record(model) as fc.Arbitrary<Record<string, string>>;
}

function hostileQueryValue(name: string): fc.Arbitrary<string> {
  const cursorLike = /cursor|after|token/i.test(name);
  return fc.oneof(
    { weight: cursorLike ? 6 : 1, arbitrary: oddCursor().map(percentEncode) },
    { weight: 3, arbitrary: wrongType().map((v) => percentEncode(asQueryText(v))) },
    { weight: 2, arbitrary: fc.constantFrom(...HUGE_NUMBERS.map(String), ...ODD_DATES, '1e308', '-0', '0x10', ' 1', '1 ').map(percentEncode) },
    { weight: 2, arbitrary: oddText().map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%ED%A0%80', '%00', 'x'.repeat(3_000), '[]', '{}') },
  );
}

/** `name=value` pairs, encoded; a hostile query has one of them made bad, repeated, or an extra one. */
function queryString(ctx: FuzzContext, shape: OperationShape, hostile: boolean): fc.Arbitrary<string> {
  const pairs = fc.tuple(
    ...shape.queryParams.map((p) => {
      const pair = validFromSchema(ctx, p.schema, p.name).map((v): string | undefined => `${p.name}=${percentEncode(asQueryText(v))}`);
      return p.required ? pair : fc.option(pair, { nil: undefined, freq: 2 });
    }),
  );
  const valid = pairs.map((ps) => ps.filter((p): p is string => p !== undefined));
  if (!hostile) return valid.map((ps) => ps.join('&'));
  const names = shape.queryParams.map((p) => p.name);
  const target = names.length > 0 ? fc.constantFrom(...names) : fc.constant('limit');
  return fc
    .tuple(valid, target, fc.constantFrom('replace', 'replace', 'replace', 'repeat', 'extra', 'raw'), fc.string({ maxLength: 8 }))
    .chain(([ps, name, how, extraName]) =>
      hostileQueryValue(name).map((value) => {
        const others = ps.filter((p) => !p.startsWith(`${name}=`));
        if (how === 'repeat') return [...ps, `${name}=${value}`, `${name}=1`].join('&');
        if (how === 'extra') return [...ps, `${percentEncode(extraName) || 'extra'}=${value}`].join('&');
        if (how === 'raw') return [...ps, `${name}[a]=1`, '%ZZ=1', '=', '&&', `${name}`].join('&');
        return [...others, `${name}=${value}`].join('&');
      }),
    );
}

const CSV_VALID = 'email,first_name,last_name\nfuzz-csv@fuzz.example.com,Ann,Lee\n';

const rawCsv = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '',
      '\n',
      'email\n',
      'email,email\na,b\n',
      '"unclosed\n',
      `email\n${'x'.repeat(50_000)}\n`,
      '\uFEFFemail,first_name\na@b.c,"x""y"\n',
      `${'a,'.repeat(5_000)}a\n`,
    ),
    fc.tuple(oddText(), oddText()).map(([a, b]) => `email,first_name\n${a},${b}\n`),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

interface RawBody {
  body: string;
  headers: Record<string, string>;
}

/** Bodies that are not what they claim: invalid JSON, wrong Content-Type, bad encoding or charset. */
function rawBody(ctx: FuzzContext, shape: OperationShape): fc.Arbitrary<RawBody> {
  const goodText = shape.jsonBody ? validFromSchema(ctx, shape.jsonBody).map(toJsonText) : fc.constant(shape.csvBody ? CSV_VALID : '{}');
  const declared = shape.csvBody ? 'text/csv' : 'application/json';
  return fc.oneof(
    fc
      .constantFrom(
        '{',
        '{"a":',
        'nul',
        '[1,]',
        "{'a':1}",
        '\uFEFF{}',
        '{"a":1}{"b":2}',
        '"\\ud800"',
        '{"a":"\\u0000"}',
        '1e99999',
        '{"__proto__":{"polluted":1}}',
        `{"a":"${'\\'.repeat(3)}"}`,
      )
      .map((body) => ({ body, headers: { 'content-type': 'application/json' } })),
    fc
      .tuple(
        goodText,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'text/csv',
          'application/json',
          'application/vnd.api+json',
          '*/*',
          'application/json; charset=utf-8; charset=latin1',
          ';;',
        ),
      )
      .map(([body, type]) => ({ body, headers: { 'content-type': type } })),
    fc
      .tuple(goodText, fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'gzip, gzip', 'x-unknown', 'identity', 'zstd', 'GZIP'))
      .map(([body, encoding]) => ({ body, headers: { 'content-type': declared, 'content-encoding': encoding } })),
    fc
      .tuple(goodText, fc.constantFrom('latin1', 'utf-16', 'utf-16le', 'utf-7', 'klingon', '', '"utf-8"', 'UTF-8', 'ascii'))
      .map(([body, charset]) => ({ body, headers: { 'content-type': `${declared}; charset=${charset}` } })),
    shape.csvBody
      ? rawCsv().map((body) => ({ body, headers: { 'content-type': 'text/csv' } }))
      : fc.constantFrom({ body: 'email\na@b.c\n', headers: { 'content-type': 'text/csv' } }),
  );
}

/** Who sends it: the workspace's key, no key, a garbage key, a read-only key, another workspace's key. */
function hostileAuth(ctx: FuzzContext, op: Operation): fc.Arbitrary<Record<string, string>> {
  const { keys } = ctx;
  return fc.constantFrom<Record<string, string>>(
    {},
    { 'x-api-key': keys.readOnly },
    { 'x-api-key': keys.otherWorkspace },
    { 'x-api-key': 'sk_live_garbage' },
    { 'x-api-key': `${keys.valid}x` },
    { 'x-api-key': keys.valid.slice(0, -1) },
    { 'x-api-key': 'x'.repeat(4_000) },
    { authorization: 'Bearer nonsense' },
    { authorization: `Bearer ${keys.operator} ` },
    { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    op.scope === 'operator' ? { 'x-api-key': keys.valid } : { authorization: `Bearer ${keys.operator}` },
  );
}

function validAuth(ctx: FuzzContext, op: Operation): Record<string, string> {
  return op.scope === 'operator' ? { authorization: `Bearer ${ctx.keys.operator}` } : { 'x-api-key': ctx.keys.valid };
}

/** Odd but well-formed headers (fetch takes Latin-1 only): idempotency keys, Accept, Content-Length-free oddities. */
const hostileHeaders = (): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    fc.constantFrom('', ' ', 'x'.repeat(256), 'x'.repeat(4_000), '\u00e9\u00ff', 'a,b', '__proto__').map((k) => ({ 'idempotency-key': k })),
    fc.constantFrom('text/csv', 'application/xml', 'application/x-ndjson', '*/*;q=0', 'nonsense').map((a) => ({ accept: a })),
    fc.constantFrom('0', '999999999999999999', 'x').map((v) => ({ 'x-request-id': v, 'x-forwarded-for': v })),
  );

export function targetsOf(shape: OperationShape): Target[] {
  const targets: Target[] = ['auth', 'headers'];
  if (shape.pathParams.length > 0) targets.push('path', 'path');
  if (shape.op.method === 'get' || shape.queryParams.length > 0) targets.push('query', 'query');
  if (shape.jsonBody) targets.push('body', 'body', 'body', 'body');
  if (shape.op.method !== 'get') targets.push('raw', 'raw');
  return targets;
}

/** A request to one operation with one part of it made hostile. */
export function fuzzRequest(ctx: FuzzContext, op: Operation): fc.Arbitrary<FuzzRequest> {
  const shape = shapeOf(ctx, op);
  return fc.constantFrom(...targetsOf(shape)).chain((target) => {
    const path =
      target === 'path'
        ? fc
            .tuple(validPath(ctx, shape), fc.constantFrom(...shape.pathParams.map((p) => p)), fc.constant(null))
            .chain(([values, param]) => hostilePathPiece(param.known).map((piece) => ({ ...values, [param.name]: piece })))
        : validPath(ctx, shape);
    const query = queryString(ctx, shape, target === 'query');
    const auth = target === 'auth' ? hostileAuth(ctx, op) : fc.constant(validAuth(ctx, op));
    const headers = target === 'headers' ? hostileHeaders() : fc.constant({});
    const body: fc.Arbitrary<RawBody | undefined> =
      target === 'raw'
        ? rawBody(ctx, shape)
        : shape.jsonBody
          ? (target === 'body' ? mutatedFromSchema(ctx, shape.jsonBody) : validFromSchema(ctx, shape.jsonBody)).map((v) => ({
              body: toJsonText(v),
              headers: { 'content-type': 'application/json' },
            }))
          : shape.csvBody
            ? fc.constant({ body: CSV_VALID, headers: { 'content-type': 'text/csv' } })
            : fc.constant(undefined);
    return fc.record({ path, query, auth, headers, body }).map((parts) => {
      const filled = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => parts.path[name] ?? FALLBACK_UUID);
      return {
        method: op.method.toUpperCase(),
        url: parts.query ? `${filled}?${parts.query}` : filled,
        headers: { ...parts.auth, ...parts.headers, ...(parts.body?.headers ?? {}) },
        body: parts.body?.body,
        target,
      };
    });
  });
}

/** A failing request, short enough to read in a test report. */
export function describeRequest(r: FuzzRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${/key|authorization/i.test(k) ? `${v.slice(0, 12)}...` : v.slice(0, 80)}`)
    .join('; ');
  const body = r.body === undefined ? '' : ` body(${r.body.length} chars): ${JSON.stringify(r.body.slice(0, 400))}`;
  return `${r.method} ${r.url.slice(0, 400)} [hostile: ${r.target}] {${headers}}${body}`;
}
