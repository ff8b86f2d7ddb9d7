// A key -> value map whose keys come from users (labels, custom fields), validated entry by entry.
// It replaces z.record, which copies keys by assignment and so silently drops a "__proto__" key.
import { z } from 'zod';

export interface UserKeyRecordOptions {
  /** What the map holds, for the messages: "labels", "custom fields". */
  noun: string;
  maxEntries?: number;
}

/** JSON Schema of one side (`$schema` dropped): the map renders as an object in the OpenAPI document. */
const jsonSchemaOf = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/**
 * Every key is checked by `key` and every value by `value`, each problem at the path of its key
 * (`labels.tier`: "value must not be empty"). The result is built by Object.fromEntries, which
 * defines own properties: `__proto__`, `constructor` and `prototype` stay ordinary keys. Readers
 * of the result look keys up with Object.hasOwn (or iterate entries), never `map[key]` alone.
 */
export function userKeyRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V, options: UserKeyRecordOptions) {
  return z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), `must be an object of key: value ${options.noun}`)
    .transform((map, ctx) => {
      const entries = Object.entries(map);
      if (options.maxEntries !== undefined && entries.length > options.maxEntries) {
        ctx.addIssue({ code: 'custom', message: `must hold at most ${options.maxEntries} ${options.noun}` });
        return z.NEVER;
      }
      const kept: [string, z.output<V>][] = [];
      for (const [k, v] of entries) {
        const keyCheck = key.safeParse(k);
        if (!keyCheck.success) {
          ctx.addIssue({ code: 'custom', path: [k], message: `key ${keyCheck.error.issues[0]!.message}` });
          continue;
        }
        const valueCheck = value.safeParse(v);
        if (!valueCheck.success) {
          ctx.addIssue({ code: 'custom', path: [k], message: `value ${valueCheck.error.issues[0]!.message}` });
          continue;
        }
        kept.push([k, valueCheck.data as z.output<V>]);
      }
      return Object.fromEntries(kept) as Record<string, z.output<V>>;
    })
    .meta({
      type: 'object',
      description: `${options.noun[0]!.toUpperCase()}${options.noun.slice(1)} as key: value`,
      propertyNames: jsonSchemaOf(key),
      additionalProperties: jsonSchemaOf(value),
      ...(options.maxEntries !== undefined ? { maxProperties: options.maxEntries } : {}),
    });
}
