// Dry runs of a saved segment's delete and update: the segments that refer to it (directly or
// through others) with their counts. Deleting or changing a segment rewrites no contact.
import type { SegmentRow } from '../segments/segments-store';
import { segmentIdsOf } from '../segments/segment-dependencies';
import type { PreviewChange } from './change-preview';
import { conflictOf } from './rehearsal';

/**
 * `rehearse` runs the write in a rolled-back transaction and answers the row as the write left it
 * (undefined for a delete): its conflict is the refusal, its 404 or 400 are thrown as they are.
 */
export async function previewSegmentChange(
  preview: PreviewChange,
  workspaceId: string,
  id: string,
  operation: 'segment.delete' | 'segment.update',
  rehearse: () => Promise<unknown>,
  current: () => Promise<Pick<SegmentRow, 'name' | 'condition'> | undefined>,
) {
  const before = await current();
  let after: { condition?: unknown } | undefined;
  const refusal = await conflictOf(async () => {
    after = (await rehearse()) as typeof after;
  });
  const conditionChanges = after?.condition !== undefined && JSON.stringify(after.condition) !== JSON.stringify(before?.condition);
  return preview(workspaceId, {
    operation,
    subject: { kind: 'segment', id, name: before?.name ?? null },
    uses: (tree) => segmentIdsOf(tree).includes(id),
    effect: (s) => (operation === 'segment.delete' ? (s.dependency === 'direct' ? 'blocks' : 'unchanged') : conditionChanges ? 'follows_change' : 'unchanged'),
    contactsAffected: 0,
    refusal,
  });
}
