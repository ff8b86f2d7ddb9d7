// Checks custom field values against the workspace's definitions: pure, so every type rule is
// unit-tested. Dates are stored as ISO strings (a date, or a date-time in UTC) so Postgres and
// Elasticsearch compare them the same way.
import { CustomFieldType, CustomFieldValue, LIMITS } from '@segmenter/shared';
import type { FieldProblem } from '../errors/app-error';

export type CustomFieldDefinitions = ReadonlyMap<string, CustomFieldType>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function checkValue(type: CustomFieldType, value: CustomFieldValue): { value: CustomFieldValue } | { rule: string } {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return { rule: 'must be a string' };
      // An empty string would read back as "no value" from a CSV export: null clears a field.
      if (value.length === 0) return { rule: 'must not be empty (null removes the field)' };
      if (value.length > LIMITS.customFieldStringLength) return { rule: `must be at most ${LIMITS.customFieldStringLength} characters` };
      return { value };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { rule: 'must be a number' };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { rule: 'must be true or false' };
    case 'date': {
      if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        // A calendar date stays a date: 2026-02-30 parses in some engines, so round-trip it.
        return new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) ? { value } : { rule: 'must be a real calendar date' };
      }
      if (typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) {
        return { value: new Date(value).toISOString() };
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
  const fields = { ...current };
  const problems: FieldProblem[] = [];
  for (const [key, raw] of Object.entries(changes)) {
    const type = definitions.get(key);
    if (!type) {
      problems.push({ field: `${prefix}.${key}`, rule: 'is not a custom field defined in this workspace' });
      continue;
    }
    if (raw === null) {
      delete fields[key];
      continue;
    }
    const checked = checkValue(type, raw);
    if ('rule' in checked) problems.push({ field: `${prefix}.${key}`, rule: checked.rule });
    else fields[key] = checked.value;
  }
  return problems.length > 0 ? { problems } : { fields };
}
