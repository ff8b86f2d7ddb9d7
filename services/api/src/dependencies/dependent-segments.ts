// The saved segments that depend on something (a tag, a label key, a custom field, a segment), as
// the API describes them: each once, direct or indirect, with the segments it depends through.
// Pure: the caller reads the segments; dependentsOf (segment-dependencies.ts) finds who is reached.
import type { Condition } from '@segmenter/shared';
import { dependentsOf } from '../segments/segment-dependencies';

export interface SegmentLink {
  id: string;
  name: string;
}

interface StoredSegment extends SegmentLink {
  condition: Condition;
  referencesSegments: string[];
  broken: unknown;
}

export interface DependentSegment extends SegmentLink {
  /** direct: its own condition names the thing; indirect: it refers to a segment that depends on it. */
  dependency: 'direct' | 'indirect';
  /** For an indirect one, the dependent segments it refers to itself (the next step of each way there); empty for a direct one. */
  via: SegmentLink[];
  /** Broken already (a forced delete): counting it is a 409 whatever happens next. */
  broken: boolean;
}

const byName = (a: SegmentLink, b: SegmentLink) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Direct dependents first, then indirect ones, each by name. */
export function describeDependents<S extends StoredSegment>(all: readonly S[], uses: (tree: Condition) => boolean): (DependentSegment & { segment: S })[] {
  const { direct, indirect } = dependentsOf(all, uses);
  const reached = new Map([...direct, ...indirect].map((s) => [s.id, s]));
  const describe = (s: S, dependency: DependentSegment['dependency']) => ({
    id: s.id,
    name: s.name,
    dependency,
    via: dependency === 'direct' ? [] : s.referencesSegments.flatMap((id) => (reached.has(id) ? [{ id, name: reached.get(id)!.name }] : [])).sort(byName),
    broken: s.broken !== null && s.broken !== undefined,
    segment: s,
  });
  return [...[...direct].sort(byName).map((s) => describe(s, 'direct')), ...[...indirect].sort(byName).map((s) => describe(s, 'indirect'))];
}
