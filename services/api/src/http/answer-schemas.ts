// Building blocks of the answer schemas each feature declares (<feature>-responses.ts): references to
// components the OpenAPI document names once, open answer objects, timestamps and the list shapes.
import { z } from 'zod';

/** Where the OpenAPI document keeps its named schemas (openapi/openapi-document.ts components). */
export const COMPONENTS = '#/components/schemas/';

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
