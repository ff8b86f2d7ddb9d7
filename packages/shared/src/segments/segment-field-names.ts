// The names the segment language reads profile fields by: the language name (first_name, created,
// email_status), which the printer writes, and the JSON spelling the API answers with (firstName).
import { contactColumnsWith } from '../domain/contact-fields';
import type { DateCondition } from './condition-model';
import { NUMBER_FIELDS, TEXT_FIELDS } from './condition-model';

/** Profile fields by their language name (printed), with the JSON spelling the API answers with. */
export type ProfileField =
  | { name: (typeof TEXT_FIELDS)[number]; kind: 'text' }
  | { name: (typeof NUMBER_FIELDS)[number]; kind: 'number' }
  | { name: string; kind: 'date'; field: DateCondition['field'] }
  | { name: string; kind: 'status'; channel: 'email' | 'phone' };

/** A date field's language name: created for the model's created_at. */
export const DATE_FIELD_NAMES: Record<DateCondition['field'], string> = { created_at: 'created', updated_at: 'updated', consent_at: 'consent' };

const PROFILE_FIELDS: readonly ProfileField[] = [
  ...TEXT_FIELDS.map((name) => ({ name, kind: 'text' as const })),
  ...NUMBER_FIELDS.map((name) => ({ name, kind: 'number' as const })),
  ...Object.entries(DATE_FIELD_NAMES).map(([field, name]) => ({ name, kind: 'date' as const, field: field as DateCondition['field'] })),
  { name: 'email_status', kind: 'status', channel: 'email' },
  { name: 'phone_status', kind: 'status', channel: 'phone' },
];
/** The name a field has in the model and the JSON: created_at for the language's created. */
const modelName = (f: ProfileField) => (f.kind === 'date' ? f.field : f.name);

/** snake_case to the JSON's camelCase: first_name -> firstName. */
const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every spelling a field is read by: the language name in any case (as keywords), and exactly as
 * the JSON writes it (firstName, createdAt, emailStatus; the date fields' JSON and model names
 * created_at too). Exact JSON case, so `firstname` is a typo to point out, not a third spelling.
 */
export const FIELD_SPELLINGS: ReadonlyMap<string, ProfileField> = new Map(
  PROFILE_FIELDS.flatMap((f) => [...new Set([f.name, modelName(f), camelCase(modelName(f))])].map((spelling) => [spelling, f] as const)),
);
/** The JSON nests the address: address.city, address.postalCode. */
export const ADDRESS_FIELDS: ReadonlySet<string> = new Set(contactColumnsWith({ inAddress: true, segment: 'text' }));

export function lookUpField(word: string): ProfileField | undefined {
  return (
    FIELD_SPELLINGS.get(word) ?? (FIELD_SPELLINGS.get(word.toLowerCase())?.name === word.toLowerCase() ? FIELD_SPELLINGS.get(word.toLowerCase()) : undefined)
  );
}
