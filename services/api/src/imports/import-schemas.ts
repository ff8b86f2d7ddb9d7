// Import request and answer shapes: the options a client sets when it creates an import, and
// the import as the API shows it (status, progress, rate and ETA).
import { z } from 'zod';
import { LABELS_MODES, MatchBy } from '../contacts/contact-schemas';

export const IMPORT_STATUSES = ['awaiting_file', 'uploading', 'processing', 'indexing', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const FINAL_IMPORT_STATUSES: ReadonlySet<ImportStatus> = new Set(['succeeded', 'failed', 'cancelled']);

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
  listSeparator: z.string().min(1, 'must not be empty').max(3, 'must be at most 3 characters').refine((s) => !/["\r\n\\]/.test(s), 'must not hold a quote, a line break or "\\"').default('|'),
  /** Overrides of the automatic mapping: header as in the file -> target (`email`, `label:<key>`, `custom:<key>`) or null to ignore it. */
  columns: z.record(z.string().max(200, 'must be at most 200 characters'), z.string().max(200, 'must be at most 200 characters').nullable()).default({}),
  fileName: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional(),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

export const ImportIdParams = z.object({ id: z.uuid('must be an import id (UUID)').transform((id) => id.toLowerCase()) });

export const RejectionsQuery = z.strictObject({
  after: z.coerce.number().int('must be a whole number').min(0, 'must be at least 0').default(0),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});
