// POST /v1/exports/contacts request shape: exactly one source (a segment, a search of live
// contacts or the Deleted view) and, optionally, which columns in which order.
import { z } from 'zod';
import { ListContactsQuery } from '../contacts/contact-schemas';
import { SegmentQuery } from '../segments/segment-schemas';

/** More than any file needs (id, the standard columns, 100 custom fields and hundreds of label keys). */
const MAX_EXPORT_COLUMNS = 1000;
const EXPORT_SOURCES = ['segment', 'search', 'deleted'] as const;

export const ContactExportRequest = z
  .strictObject({
    /** Members of a saved segment ({ segmentId }) or of an ad hoc one ({ text } or { condition }). */
    segment: SegmentQuery.optional(),
    /** Live contacts found by the contact list's search (`GET /v1/contacts?q=`); no q: every live contact. */
    search: z.strictObject({ q: ListContactsQuery.shape.q }).optional(),
    /** The Deleted view: soft-deleted contacts. */
    deleted: z.literal(true, 'must be true (the Deleted view)').optional(),
    /** Header names, in file order: id, standard columns, label_<key>, custom_<key>, or labels (every label_<key>). Default: all of them. */
    columns: z
      .array(z.string().max(200, 'must be at most 200 characters'))
      .min(1, 'must hold at least one column')
      .max(MAX_EXPORT_COLUMNS, `must hold at most ${MAX_EXPORT_COLUMNS} columns`)
      .optional(),
  })
  .superRefine((body, ctx) => {
    const given = EXPORT_SOURCES.filter((s) => body[s] !== undefined);
    if (given.length !== 1) {
      const found = given.length === 0 ? 'none' : given.join(' and ');
      ctx.addIssue({ code: 'custom', path: [], message: `must hold exactly one source: segment, search or deleted (found ${found})` });
    }
  });
export type ContactExportRequest = z.infer<typeof ContactExportRequest>;
