// A bound on the searches one api process has in flight at Elasticsearch. Past it, searches wait
// their turn here instead of piling onto the cluster's search queue, where every one of them would
// slow the others down (at concurrency 32 a 2-core node spent its time switching between them).
// Past maxQueued waiting, a search is refused at once with a 503 the client may retry, and one that
// waited maxWaitMs for a slot is refused then.
import { AppError } from '../errors/app-error';

export class SearchBusyError extends AppError {
  constructor(field = 'body') {
    super(503, 'Search index busy', 'Too many searches are waiting for the search index; retry shortly', [
      { field, rule: 'could not be searched now: too many searches are waiting (retry shortly)' },
    ]);
  }
}

export interface SearchSlots {
  run<T>(search: () => Promise<T>, field?: string): Promise<T>;
  readonly inFlight: number;
  readonly queued: number;
}

/** `maxWaitMs`: how long a search may wait for a slot before it is refused (the client's request timeout: it would give up by then). */
export function createSearchSlots(maxInFlight: number, maxQueued: number, maxWaitMs = 30_000): SearchSlots {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight -= 1;
  };
  return {
    async run(search, field) {
      if (inFlight < maxInFlight) inFlight += 1;
      else {
        if (waiting.length >= maxQueued) throw new SearchBusyError(field);
        // The slot is handed over by release(): inFlight stays as it is.
        await new Promise<void>((resolve, reject) => {
          const take = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            const at = waiting.indexOf(take);
            if (at >= 0) waiting.splice(at, 1);
            reject(new SearchBusyError(field));
          }, maxWaitMs);
          waiting.push(take);
        });
      }
      try {
        return await search();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return waiting.length;
    },
  };
}
