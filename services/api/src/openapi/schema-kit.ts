// Building blocks of the OpenAPI document's schemas: references to named components, the one
// Problem shape, and the list shapes. Response schemas are zod, turned into JSON Schema like requests.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/**
 * A zod stand-in that renders as `$ref` to a named component. Used where the real schema is
 * recursive (the condition tree) or shared (Contact, Job), so the document names it once.
 */
export const ref = (name: string) => z.unknown().meta({ $ref: `${COMPONENTS}${name}` });

/**
 * Answers are open objects: a new field is additive and breaks no client, while a field removed,
 * renamed or retyped fails the response check (test/support/api-harness.ts).
 */
export const answer = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

export const timestamp = z.string().meta({ format: 'date-time' });
export const uuid = z.uuid();

/** `{ items }`: a list answered whole. */
export const itemsOf = (item: z.ZodType) => answer({ items: z.array(item) });

/** `{ items, nextCursor }`: one page; nextCursor is null on the last page (see http/list-page.ts). */
export const pageOf = (item: z.ZodType) => answer({ items: z.array(item), nextCursor: z.string().nullable() });

export const FieldProblem = z.object({ field: z.string(), rule: z.string() });

/** RFC 9457 problem details, as every 4xx and 5xx answers (errors/app-error.ts, http/error-handler.ts). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  /** What was wrong, field by field; empty when no single field is to blame (an unknown route, a revoked key). */
  errors: z.array(FieldProblem),
  /** On a 500 only: the id of the log line holding the cause (docs/operations.md, "Error ids"). */
  errorId: z.string().optional(),
});

/** Zod to JSON Schema, without `$schema` (the document declares its dialect once). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return io === 'output' ? withoutOpenEnds(rest) : rest;
}

/**
 * Drops `additionalProperties: {}` (what an open answer renders as): JSON Schema allows extra
 * properties anyway, and without it generated clients get exact types, with no index signature
 * that would blur every field (and the unions told apart by their fields) into `unknown`.
 */
function withoutOpenEnds(node: JsonSchema): JsonSchema {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (!n || typeof n !== 'object') return n;
    const entries = Object.entries(n).filter(([k, v]) => !(k === 'additionalProperties' && v && typeof v === 'object' && Object.keys(v).length === 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  return walk(node) as JsonSchema;
}

/**
 * A recursive schema (zod writes its self-references as `$ref: "#"`) as a named component:
 * the self-references point at the component instead of the document root.
 */
export function recursiveComponent(schema: z.ZodType, name: string, io: 'input' | 'output'): JsonSchema {
  const target = `${COMPONENTS}${name}`;
  const repoint = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(repoint);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && v === '#' ? target : repoint(v)]));
    }
    return node;
  };
  return repoint(toJsonSchema(schema, io)) as JsonSchema;
}
