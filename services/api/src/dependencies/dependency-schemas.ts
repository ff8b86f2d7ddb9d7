// Request shapes of GET /v1/dependencies and of the `dryRun` flag every delete, rename and label
// hygiene job takes.
import { z } from 'zod';
import { CustomFieldKey, LabelKey, LIMITS } from '@segmenter/shared';

export const DEPENDENCY_SUBJECTS = ['tag', 'labelKey', 'customField', 'segment'] as const;

/** Exactly one of the four: what to list the dependent segments of. */
export const DependenciesQuery = z
  .strictObject({
    /** A tag's id (as /v1/tags/{id} names it) or its exact name (as segment text does); an id is looked up first. */
    tag: z.string().min(1, 'must not be empty').max(LIMITS.tagNameLength, `must be at most ${LIMITS.tagNameLength} characters`).optional(),
    labelKey: LabelKey.optional(),
    customField: CustomFieldKey.optional(),
    segment: z
      .uuid('must be a segment id (UUID)')
      .transform((id) => id.toLowerCase())
      .optional(),
  })
  .refine((q) => DEPENDENCY_SUBJECTS.filter((k) => q[k] !== undefined).length === 1, {
    message: `must name exactly one of ${DEPENDENCY_SUBJECTS.join(', ')}`,
  });
export type DependenciesQuery = z.infer<typeof DependenciesQuery>;

/** `?dryRun=true`: answer 200 with what would happen (change-preview.ts), change nothing. */
export const DryRunQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((f) => f === 'true'),
});
