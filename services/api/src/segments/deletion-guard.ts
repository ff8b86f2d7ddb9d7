// Deleting something saved segments name (a tag, a custom field) never breaks them silently:
// refused with a 409 naming the segments that use it, directly or through other segments, unless
// forced; forced, the segments that name it are marked broken in the caller's transaction. The
// caller holds the segments lock (lockSegments), so no segment starts using it meanwhile.
import { z } from 'zod';
import type { Condition, Queryable } from '@segmenter/shared';
import { dependentsOf, inUseConflict } from './segment-dependencies';
import { listSegments, markSegmentsBroken, MissingReference } from './segments-store';

export interface Deletion {
  /** How the deleted thing is named in the 409's detail: `Tag "VIP"`, `Custom field plan`. */
  what: string;
  /** The request part that names it: `params.id`. */
  field: string;
  force: boolean;
  /** Why the segments are broken, as they will show it. */
  reason: string;
  missing: MissingReference;
}

export async function guardSegmentsUsing(client: Queryable, workspaceId: string, uses: (tree: Condition) => boolean, deletion: Deletion): Promise<void> {
  const dependents = dependentsOf(await listSegments(client, workspaceId), uses);
  if (dependents.direct.length === 0) return;
  if (!deletion.force) throw inUseConflict(deletion.what, deletion.field, dependents);
  await markSegmentsBroken(
    client,
    workspaceId,
    dependents.direct.map((s) => s.id),
    deletion.reason,
    deletion.missing,
  );
}

/** `?force=true` deletes what saved segments use, marking them broken; without it that is a 409. */
export const ForceDeletionQuery = z.strictObject({
  force: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((f) => f === 'true'),
});
