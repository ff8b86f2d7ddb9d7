// What resolving segment queries reads from Postgres, read at most once per request: the
// workspace's custom-field definitions, the tags its queries name and its saved segments.
import type { Queryable } from '@segmenter/shared';
import type { CustomFieldDefinitions } from '../custom-fields/custom-field-values';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { tagsByIds, tagsByNames } from '../tags/tags-store';
import { findSegment, listSegments, SegmentRow } from './segments-store';

/** The store functions the context reads through (a test counts calls with fakes). */
export interface ResolutionStores {
  loadDefinitions(db: Queryable, workspaceId: string): Promise<CustomFieldDefinitions>;
  tagsByNames(db: Queryable, workspaceId: string, names: string[]): Promise<{ id: string; name: string }[]>;
  tagsByIds(db: Queryable, workspaceId: string, ids: string[]): Promise<{ id: string; name: string }[]>;
  listSegments(db: Queryable, workspaceId: string): Promise<SegmentRow[]>;
  findSegment(db: Queryable, workspaceId: string, id: string): Promise<SegmentRow | undefined>;
}

const POSTGRES_STORES: ResolutionStores = { loadDefinitions, tagsByNames, tagsByIds, listSegments, findSegment };

/**
 * One request's view of what its segment queries name. A count of 50 queries once reloaded the
 * definitions, tags and saved segments for each query (about 150 round trips one after another
 * before its one search): each is now read once, and only if a query needs it. Made for one
 * request and dropped with it, so a later request sees later changes; a write path makes its own
 * inside its transaction (and reads again what it must see after its own writes).
 */
export interface ResolutionContext {
  readonly workspaceId: string;
  /** Where the context reads: the pool, or the transaction the request writes in. */
  readonly db: Queryable;
  definitions(): Promise<CustomFieldDefinitions>;
  /** Tag ids by name, for the names that exist; names not yet read are read in one statement. */
  tagIdsByName(names: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Tag names by (lower-case) id, for the ids that exist; ids not yet read are read in one statement. */
  tagNamesById(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Every saved segment of the workspace, by id. */
  savedSegments(): Promise<ReadonlyMap<string, SegmentRow>>;
  /** One saved segment: from the whole list once it was read, on its own otherwise. */
  savedSegment(id: string): Promise<SegmentRow | undefined>;
}

/** Memoizes a load: the first call starts it, every later one shares its answer (or its failure). */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/**
 * A keyed lookup that reads each key at most once: the keys not seen yet go to `load` together,
 * and concurrent callers share the pending read rather than starting their own.
 */
function lookupOnce<V>(load: (keys: string[]) => Promise<Map<string, V>>) {
  const batches = new Map<string, Promise<Map<string, V>>>();
  return async (keys: readonly string[]): Promise<ReadonlyMap<string, V>> => {
    const wanted = [...new Set(keys)];
    const unseen = wanted.filter((k) => !batches.has(k));
    if (unseen.length > 0) {
      const batch = load(unseen);
      // Awaited below by this caller; the handler only keeps a failure from also being reported unhandled.
      batch.catch(() => undefined);
      for (const k of unseen) batches.set(k, batch);
    }
    const found = new Map<string, V>();
    for (const k of wanted) {
      const value = (await batches.get(k)!).get(k);
      if (value !== undefined) found.set(k, value);
    }
    return found;
  };
}

export function createResolutionContext(workspaceId: string, db: Queryable, stores: ResolutionStores = POSTGRES_STORES): ResolutionContext {
  const savedSegments = once(async () => new Map((await stores.listSegments(db, workspaceId)).map((s) => [s.id, s])));
  let listRead = false;
  const segmentById = lookupOnce(async ([id]) => {
    const found = await stores.findSegment(db, workspaceId, id!);
    return new Map(found ? [[id!, found]] : []);
  });
  return {
    workspaceId,
    db,
    definitions: once(() => stores.loadDefinitions(db, workspaceId)),
    tagIdsByName: lookupOnce(async (names) => new Map((await stores.tagsByNames(db, workspaceId, names)).map((t) => [t.name, t.id]))),
    tagNamesById: lookupOnce(async (ids) => new Map((await stores.tagsByIds(db, workspaceId, ids)).map((t) => [t.id, t.name]))),
    savedSegments: () => {
      listRead = true;
      return savedSegments();
    },
    async savedSegment(id) {
      if (listRead) return (await savedSegments()).get(id);
      return (await segmentById([id])).get(id);
    },
  };
}
