// Dry runs of a saved segment's delete and update: the segments that refer to it (directly or
// through others) with their counts. Deleting or changing a segment rewrites no contact.
import type { Condition, Queryable } from '@segmenter/shared';
import { createResolutionContext } from '../segments/resolution-context';
import { segmentIdsOf } from '../segments/segment-dependencies';
import { resolveCondition } from '../segments/segment-resolver';
import type { UpdateSegmentRequest } from '../segments/segment-schemas';
import type { SegmentRow } from '../segments/segments-store';
import type { PreviewChange } from './change-preview';
import { conflictOf } from './rehearsal';

/** JSON with keys in one order: a tree built in memory and one read back from jsonb compare alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `rehearse` runs the write in a rolled-back transaction and answers the row as the write left it
 * (undefined for a delete): its conflict is the refusal, its 404 or 400 are thrown as they are.
 * `update` is an update's request (and where to read what it names): when the update is refused (a
 * name taken), its condition is resolved on its own, so the dependents are previewed as the
 * condition would change them, not as unchanged.
 */
export async function previewSegmentChange(
  preview: PreviewChange,
  workspaceId: string,
  id: string,
  operation: 'segment.delete' | 'segment.update',
  rehearse: () => Promise<unknown>,
  current: () => Promise<Pick<SegmentRow, 'name' | 'condition'> | undefined>,
  update?: { body: UpdateSegmentRequest; db: Queryable },
) {
  const before = await current();
  let after: { condition?: Condition } | undefined;
  const refusal = await conflictOf(async () => {
    after = (await rehearse()) as typeof after;
  });
  let condition = after?.condition;
  const body = update?.body;
  if (refusal && body && (body.condition !== undefined || body.text !== undefined)) {
    // The rehearsal resolved the condition before it met the conflict, so this resolves too (or
    // answers the same 400, should the workspace have changed in between).
    condition = (await resolveCondition(createResolutionContext(workspaceId, update.db), body, { at: 'body', selfId: id })).stored;
  }
  const conditionChanges = condition !== undefined && canonical(condition) !== canonical(before?.condition);
  return preview(workspaceId, {
    operation,
    subject: { kind: 'segment', id, name: before?.name ?? null },
    uses: (tree) => segmentIdsOf(tree).includes(id),
    effect: (s) => (operation === 'segment.delete' ? (s.dependency === 'direct' ? 'blocks' : 'unchanged') : conditionChanges ? 'follows_change' : 'unchanged'),
    contactsAffected: 0,
    refusal,
  });
}
