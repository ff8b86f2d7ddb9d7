// Counts kept in memory so the same question is not asked of Elasticsearch twice: keyed by the
// workspace and the compiled query (tag ids resolved, saved segments expanded, relative dates as
// day bounds), and valid only under the workspace's index state it was computed in (the
// IndexChangeWatcher's seq pair). A write to the workspace, once searchable, moves that state and
// every count of the workspace stops being served; writes elsewhere move nothing here. Entries
// also expire after maxAgeMs whatever happens, and the least recently used go past maxEntries.
// Identical counts asked while one is on its way to Elasticsearch wait for that one (coalescing).

export interface CountCacheOptions {
  /** Entries kept at most (least recently used dropped first); 0 turns the cache off. */
  maxEntries: number;
  /** An entry is never served older than this, whatever the index state says. */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<V> {
  state: string;
  value: V;
  storedAt: number;
}

export interface CountCache<V> {
  readonly enabled: boolean;
  /** The value computed under `state`, if still fresh; a hit counts as recent use. */
  get(key: string, state: string): V | undefined;
  set(key: string, state: string, value: V): void;
  /** The computation of `key` under `state` already on its way, if any (it settles to undefined when it failed). */
  pending(key: string, state: string): Promise<V | undefined> | undefined;
  /** Registers `value` as the computation of `key` under `state` until it settles. */
  track(key: string, state: string, value: Promise<V | undefined>): void;
  readonly size: number;
}

export function createCountCache<V>(options: CountCacheOptions): CountCache<V> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<V>>();
  const inFlight = new Map<string, Promise<V | undefined>>();
  const flightKey = (key: string, state: string) => `${state}\u0000${key}`;
  return {
    enabled: options.maxEntries > 0,
    get(key, state) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.state !== state || now() - entry.storedAt > options.maxAgeMs) {
        entries.delete(key);
        return undefined;
      }
      // Map order is insertion order: moving a hit to the end makes the first key the least recently used.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, state, value) {
      if (options.maxEntries <= 0) return;
      entries.delete(key);
      entries.set(key, { state, value, storedAt: now() });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    },
    pending(key, state) {
      return inFlight.get(flightKey(key, state));
    },
    track(key, state, value) {
      const k = flightKey(key, state);
      inFlight.set(k, value);
      const forget = () => {
        if (inFlight.get(k) === value) inFlight.delete(k);
      };
      value.then(forget, forget);
    },
    get size() {
      return entries.size;
    },
  };
}
