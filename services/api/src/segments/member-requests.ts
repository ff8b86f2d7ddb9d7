// What a member stream request may ask for: the format, the fields of each row, and where to resume.
// `fields` has one shape on GET and POST: a comma-separated string of names (member-fields).
import { z } from 'zod';
import { FIELDS_EXAMPLE, MemberFieldList, parseMemberFields } from './member-fields';

/** The field names as one string, parsed into the list (`at` names it in errors found later, such as an undefined custom field). */
const fieldList = (at: string) =>
  z
    .string(`must be a comma-separated string of field names, such as "${FIELDS_EXAMPLE}" (not an array)`)
    .max(20_000, 'must be at most 20000 characters')
    .default('id')
    .transform((text, ctx): MemberFieldList => {
      const parsed = parseMemberFields(text, at);
      if ('list' in parsed) return parsed.list;
      // Problems name `<at>.<index>`; the issue path is relative to `fields`.
      for (const p of parsed.problems) ctx.addIssue({ code: 'custom', path: p.field.slice(at.length + 1).split('.').filter(Boolean), message: p.rule });
      return z.NEVER;
    });

const memberOptions = (at: 'query' | 'body') => ({
  format: z.enum(['ndjson', 'csv'], 'must be ndjson or csv').default('ndjson'),
  fields: fieldList(`${at}.fields`),
  after: z.uuid('must be the id of the last contact received').transform((s) => s.toLowerCase()).optional(),
});
export const MembersQuery = z.strictObject(memberOptions('query'));
export const MembersRequest = z.strictObject({ query: z.unknown(), ...memberOptions('body') });
