// Checks custom field values against the workspace's definitions: pure, so every type rule is
// unit-tested. Dates are stored as ISO strings (a date, or a date-time in UTC) so Postgres and
// Elasticsearch compare them the same way.
import { CustomFieldType, CustomFieldValue, invisibleTextProblem, LIMITS } from '@segmenter/shared';
import type { FieldProblem } from '../errors/app-error';

export type CustomFieldDefinitions = ReadonlyMap<string, CustomFieldType>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The years a segment condition's dates may hold (isRealDate in the shared condition model), so
 * every stored custom date can be compared in a segment and is one Postgres and Elasticsearch
 * read alike. Year 0 and 10000 are not dates anyone means.
 */
const DATE_YEARS = { min: 1000, max: 9999 } as const;
const DATE_YEARS_RULE = `must be a date in the years ${DATE_YEARS.min} to ${DATE_YEARS.max}`;
const inDateYears = (year: number) => year >= DATE_YEARS.min && year <= DATE_YEARS.max;

function checkValue(type: CustomFieldType, value: CustomFieldValue): { value: CustomFieldValue } | { rule: string } {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return { rule: 'must be a string' };
      // An empty string would read back as "no value" from a CSV export: null clears a field.
      if (value.length === 0) return { rule: 'must not be empty (null removes the field)' };
      if (value.length > LIMITS.customFieldStringLength) return { rule: `must be at most ${LIMITS.customFieldStringLength} characters` };
      {
        // Profile text like any other (visible-text.ts): what people cannot see is refused; a
        // custom text may hold line breaks (notes, addresses), as the street does.
        const invisible = invisibleTextProblem(value, { lineBreaks: true });
        if (invisible) return { rule: invisible };
      }
      return { value };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { rule: 'must be a number' };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { rule: 'must be true or false' };
    case 'date': {
      if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        // A calendar date stays a date: 2026-02-30 parses in some engines, so round-trip it.
        if (!new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) return { rule: 'must be a real calendar date' };
        return inDateYears(Number(value.slice(0, 4))) ? { value } : { rule: DATE_YEARS_RULE };
      }
      if (typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) {
        // The year that counts is the stored (UTC) one: 9999-12-31T23:00-02:00 is in year 10000.
        const utc = new Date(value);
        return inDateYears(utc.getUTCFullYear()) ? { value: utc.toISOString() } : { rule: DATE_YEARS_RULE };
      }
      return { rule: 'must be an ISO 8601 date (2026-11-24) or date-time (2026-11-24T10:00:00Z)' };
    }
  }
}

/**
 * Merges `changes` into `current`: null removes a key, anything else must match the key's
 * definition. Returns the merged map, or the problems (field paths under `prefix`).
 */
export function mergeCustomFields(
  definitions: CustomFieldDefinitions,
  current: Record<string, CustomFieldValue>,
  changes: Record<string, CustomFieldValue | null>,
  prefix = 'body.customFields',
): { fields: Record<string, CustomFieldValue> } | { problems: FieldProblem[] } {
  // A Map while merging: keys come from users, and `fields[key] = value` on a plain object would
  // treat a "__proto__" key as the prototype. fromEntries turns it back into own properties.
  const fields = new Map(Object.entries(current));
  const problems: FieldProblem[] = [];
  for (const [key, raw] of Object.entries(changes)) {
    const type = definitions.get(key);
    if (!type) {
      problems.push({ field: `${prefix}.${key}`, rule: 'is not a custom field defined in this workspace' });
      continue;
    }
    if (raw === null) {
      fields.delete(key);
      continue;
    }
    const checked = checkValue(type, raw);
    if ('rule' in checked) problems.push({ field: `${prefix}.${key}`, rule: checked.rule });
    else fields.set(key, checked.value);
  }
  return problems.length > 0 ? { problems } : { fields: Object.fromEntries(fields) };
}
