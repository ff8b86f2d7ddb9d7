// GET /v1/dependencies: the saved segments that use a tag, a label key, a custom field or another
// segment, directly or through other segments. A tag, a custom field and a segment are defined
// things (404 when the workspace has none of that name); a label key is free-form: one no contact
// has may still be named by a segment, so an unknown key answers its dependents (often none).
import type { Condition, Pool } from '@segmenter/shared';
import { NotFoundError } from '../errors/app-error';
import { countContactsWithLabel } from '../labels/label-hygiene-store';
import { customFieldKeysOf, labelKeysOf, segmentIdsOf, tagIdsOf } from '../segments/segment-dependencies';
import { findSegment, listSegments } from '../segments/segments-store';
import { tagsByIds, tagsByNames } from '../tags/tags-store';
import { describeDependents } from './dependent-segments';
import type { DependenciesQuery } from './dependency-schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDependenciesService(deps: { pool: Pool }) {
  const { pool } = deps;

  /** What the query names, as found, and which trees use it. */
  async function subjectOf(workspaceId: string, query: DependenciesQuery): Promise<{ subject: Record<string, unknown>; uses: (tree: Condition) => boolean }> {
    if (query.tag !== undefined) {
      const value = query.tag;
      // An id first (as /v1/tags/{id} names a tag), then the exact name (as segment text does).
      const [tag] = (UUID.test(value) ? await tagsByIds(pool, workspaceId, [value.toLowerCase()]) : []).concat(await tagsByNames(pool, workspaceId, [value]));
      if (!tag) throw new NotFoundError(`Tag ${JSON.stringify(value)}`, 'query.tag');
      return { subject: { kind: 'tag', id: tag.id, name: tag.name }, uses: (tree) => tagIdsOf(tree).includes(tag.id) };
    }
    if (query.labelKey !== undefined) {
      const key = query.labelKey;
      const contactCount = await countContactsWithLabel(pool, workspaceId, key, null, false);
      return { subject: { kind: 'labelKey', key, contactCount }, uses: (tree) => labelKeysOf(tree).includes(key) };
    }
    if (query.customField !== undefined) {
      const key = query.customField;
      const { rows } = await pool.query('select type from custom_field_definitions where workspace_id = $1 and key = $2', [workspaceId, key]);
      if (!rows[0]) throw new NotFoundError(`Custom field ${key}`, 'query.customField');
      return { subject: { kind: 'customField', key, type: rows[0].type }, uses: (tree) => customFieldKeysOf(tree).includes(key) };
    }
    const id = query.segment!; // the schema lets exactly one of the four through
    const segment = await findSegment(pool, workspaceId, id);
    if (!segment) throw new NotFoundError(`Segment ${id}`, 'query.segment');
    return { subject: { kind: 'segment', id, name: segment.name }, uses: (tree) => segmentIdsOf(tree).includes(id) };
  }

  return {
    async list(workspaceId: string, query: DependenciesQuery) {
      const { subject, uses } = await subjectOf(workspaceId, query);
      const items = describeDependents(await listSegments(pool, workspaceId), uses).map(({ segment: _segment, ...d }) => d);
      return { subject, items };
    },
  };
}
export type DependenciesService = ReturnType<typeof createDependenciesService>;
