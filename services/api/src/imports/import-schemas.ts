// Import request and answer shapes: the options a client sets when it creates an import, and
// the import as the API shows it (status, progress, rate and ETA).
import { z } from 'zod';
import { LABELS_MODES, MatchBy } from '../contacts/contact-schemas';

export const IMPORT_STATUSES = ['awaiting_file', 'uploading', 'processing', 'indexing', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const FINAL_IMPORT_STATUSES: ReadonlySet<ImportStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Overrides of the automatic mapping: header as in the file -> target. Read entry by entry (not
 * z.record, which drops a "__proto__" key): a header may be any text a file holds.
 */
const ColumnOverrides = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be an object of "header": "target" (or null)')
  .transform((map, ctx) => {
    const entries = Object.entries(map);
    if (entries.length > 1000) {
      ctx.addIssue({ code: 'custom', message: 'must hold at most 1000 columns' });
      return z.NEVER;
    }
    for (const [header, target] of entries) {
      if (header.length > 200) ctx.addIssue({ code: 'custom', path: [header], message: 'header must be at most 200 characters' });
      if (target !== null && (typeof target !== 'string' || target.length > 200))
        ctx.addIssue({ code: 'custom', path: [header], message: 'must be a target name of at most 200 characters, or null' });
    }
    return Object.fromEntries(entries) as Record<string, string | null>;
  });

export const ImportOptions = z.strictObject({
  /** Rows are matched to live contacts by this column's value. */
  matchBy: MatchBy.default('email'),
  /** A row that matches a contact updates it (default) or leaves it as it is. */
  onMatch: z.enum(['update', 'skip']).default('update'),
  /** Create tags the file names that do not exist yet; by default such rows are rejected. */
  createMissingTags: z.boolean().default(false),
  /** `label_` columns merge into a contact's labels (default) or replace them all. */
  labelsMode: z.enum(LABELS_MODES).default('merge'),
  /** What separates the values of a list cell (tags, subscription_categories). */
  listSeparator: z
    .string()
    .min(1, 'must not be empty')
    .max(3, 'must be at most 3 characters')
    .refine((s) => !/["\r\n\\]/.test(s), 'must not hold a quote, a line break or "\\"')
    .default('|'),
  /** Overrides of the automatic mapping: header as in the file -> target (`email`, `label:<key>`, `custom:<key>`) or null to ignore it. */
  columns: ColumnOverrides.default({}),
  fileName: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional(),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

export const ImportIdParams = z.object({ id: z.uuid('must be an import id (UUID)').transform((id) => id.toLowerCase()) });

export const RejectionsQuery = z.strictObject({
  after: z.coerce.number().int('must be a whole number').min(0, 'must be at least 0').max(2_147_483_647, 'must be at most 2147483647').default(0),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});
