// Zod to JSON Schema for the OpenAPI document: request and answer schemas rendered the same way,
// open answers without their open ends, and recursive schemas as named components.
import { z } from 'zod';
import { COMPONENTS } from '../http/answer-schemas';

export type JsonSchema = Record<string, unknown>;

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
