// What a member stream request may ask for: the format, the fields of each row, and where to resume.
import { z } from 'zod';
import { MEMBER_FIELDS } from './member-stream';

const fieldList = z
  .string()
  .default('id')
  .transform((s) => s.split(',').map((f) => f.trim()))
  .pipe(z.array(z.enum(MEMBER_FIELDS, `must be a comma-separated list of ${MEMBER_FIELDS.join(', ')}`)).min(1).max(MEMBER_FIELDS.length));
export const memberOptions = {
  format: z.enum(['ndjson', 'csv'], 'must be ndjson or csv').default('ndjson'),
  fields: fieldList,
  after: z.uuid('must be the id of the last contact received').transform((s) => s.toLowerCase()).optional(),
};
export const MembersQuery = z.strictObject(memberOptions);
export const MembersRequest = z.strictObject({ query: z.unknown(), ...memberOptions, fields: z.array(z.enum(MEMBER_FIELDS)).min(1).default(['id']) });
