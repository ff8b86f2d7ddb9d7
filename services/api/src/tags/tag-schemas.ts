// Tag request shapes. Tags are named in requests by name (what people know) or by id (what
// survives a rename); names are case-sensitive: "VIP" and "vip" are two tags.
import { z } from 'zod';
import { LIMITS, TagName } from '@segmenter/shared';
import { DryRunQuery } from '../dependencies/dependency-schemas';
import { ForceDeletionQuery } from '../segments/deletion-guard';

export const CreateTagRequest = z.strictObject({ name: TagName, protected: z.boolean().optional() });
export const UpdateTagRequest = z
  .strictObject({ name: TagName.optional(), protected: z.boolean().optional() })
  .refine((t) => t.name !== undefined || t.protected !== undefined, { message: 'must change name or protected' });
export const TagIdParams = z.object({ id: z.uuid('must be a tag id (UUID)').transform((id) => id.toLowerCase()) });

/** Which tags a request means: names and/or ids, at least one, at most 100 of each. */
const tagSelection = {
  tags: z.array(TagName).max(100, 'must hold at most 100 tags').optional(),
  tagIds: z.array(z.uuid('must be a tag id (UUID)')).max(100, 'must hold at most 100 tags').optional(),
  /** Create tags named in `tags` that do not exist yet (otherwise an unknown name is a 4xx). */
  createMissing: z.boolean().optional(),
};
const namesAtLeastOneTag = {
  check: (s: { tags?: string[]; tagIds?: string[] }) => (s.tags?.length ?? 0) + (s.tagIds?.length ?? 0) > 0,
  message: { message: 'must name at least one tag in tags or tagIds', path: ['tags'] },
};

export const TagSelection = z.strictObject(tagSelection).refine(namesAtLeastOneTag.check, namesAtLeastOneTag.message);
export type TagSelection = z.infer<typeof TagSelection>;

export const ContactIdList = z
  .array(z.uuid('must be a contact id (UUID)'))
  .min(1, 'must hold at least one contact id')
  .max(LIMITS.bulkContactIds, `must hold at most ${LIMITS.bulkContactIds} contact ids`)
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

export const BulkTagRequest = z.strictObject({ contactIds: ContactIdList, ...tagSelection }).refine(namesAtLeastOneTag.check, namesAtLeastOneTag.message);
export type BulkTagRequest = z.infer<typeof BulkTagRequest>;

/** `?force=true` deletes a tag saved segments use, marking them broken; without it that is a 409. `?dryRun=true` only tells what would happen. */
export const DeleteTagQuery = ForceDeletionQuery.extend(DryRunQuery.shape);
/** `?dryRun=true` only tells what a rename would do. */
export const UpdateTagQuery = DryRunQuery;
