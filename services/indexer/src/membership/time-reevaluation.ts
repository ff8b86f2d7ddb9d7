// The clock moves contacts across segments with no write: "created in the last 30 days" loses a
// contact at midnight UTC on its 31st day, an engagement window closes, "renews in the next 7 days"
// gains one. Writes never see these, so a scheduled run finds them: at every multiple of the
// interval since the epoch (daily, just after midnight UTC, by default) it asks Elasticsearch,
// with ONE paged query per time-dependent segment, for the contacts that match at this run's
// instant but not at the previous run's (entered) or the reverse (exited), told apart by named
// queries, and publishes them as cause "time" events.
// Runs are claimed in Postgres (membership_reevaluations), so several indexers run each once; a
// claim left unfinished past LEASE_MS is taken over, before any later run, and published again
// under the same keys. Each run compares with the run before it, finished or not, so windows
// follow each other with no gap and no overlap.
import {
  compileToElasticsearch,
  DAY_MS,
  type EsClient,
  type EventPublisher,
  type Logger,
  type Pool,
  type QueryClause,
  workspaceSearch,
} from '@segmenter/shared';
import { membershipMessage } from './membership-tracker';
import type { SavedSegmentsCache } from './saved-segments-cache';
import type { WatchedSegment } from './watched-segments';

const LEASE_MS = 10 * 60_000;
const PAGE_SIZE = 1000;

export interface TimeReevaluationOptions {
  es: EsClient;
  alias: string;
  pool: Pool;
  segments: SavedSegmentsCache;
  publisher: EventPublisher;
  topic: string;
  intervalMs: number;
  log: Logger;
}

export interface ReevaluationRun {
  /** This run's instant: the interval boundary at or before the clock. */
  evaluatedAt: Date;
  /** The instant membership is compared with: the previous finished run's, or one interval before. */
  comparedWith: Date;
  segments: number;
  events: number;
  /** Segments whose query failed: the run is left unfinished, to be taken over after its lease. */
  failed: number;
}

interface Hit {
  _source?: { contact_id: string; version: number };
  matched_queries?: string[] | Record<string, number>;
  sort?: unknown[];
}

export function createTimeReevaluation(options: TimeReevaluationOptions) {
  const { es, alias, pool, segments, publisher, topic, intervalMs, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopping = false;

  /** The contacts the clock moved across one segment between `from` and `to`, published page by page. */
  async function reevaluateSegment(workspaceId: string, segment: WatchedSegment, from: number, to: number): Promise<{ published: number; complete: boolean }> {
    const then = compileToElasticsearch(segment.tree, { now: from });
    const now = compileToElasticsearch(segment.tree, { now: to });
    const moved: QueryClause = {
      bool: {
        should: [{ bool: { filter: [now], must_not: [then], _name: 'entered' } }, { bool: { filter: [then], must_not: [now], _name: 'exited' } }],
        minimum_should_match: 1,
      },
    };
    const search = workspaceSearch(alias, workspaceId, [moved]);
    const occurredAt = new Date(to).toISOString();
    let published = 0;
    let after: unknown[] | undefined;
    for (;;) {
      const page = await es.search({
        ...search,
        size: PAGE_SIZE,
        sort: [{ contact_id: 'asc' }],
        _source: ['contact_id', 'version'],
        track_total_hits: false,
        ...(after ? { search_after: after as never } : {}),
      });
      const hits = page.hits.hits as Hit[];
      const messages = hits.flatMap((hit) => {
        const names = Array.isArray(hit.matched_queries) ? hit.matched_queries : Object.keys(hit.matched_queries ?? {});
        const type = names.includes('entered') ? 'segment.entered' : names.includes('exited') ? 'segment.exited' : undefined;
        if (!type || !hit._source) return [];
        const { contact_id: contactId, version } = hit._source;
        return [membershipMessage(workspaceId, { type, segmentId: segment.id, contactId, contactVersion: version, occurredAt }, 'time')];
      });
      if (messages.length > 0) await publisher.publish(topic, messages);
      published += messages.length;
      if (hits.length < PAGE_SIZE) return { published, complete: true };
      if (stopping) return { published, complete: false };
      after = hits[hits.length - 1]!.sort;
    }
  }

  /** Claims the run at `to` (new, or unfinished past its lease) and runs it; undefined when someone else has it or it is done. */
  async function runSlot(to: number): Promise<ReevaluationRun | undefined> {
    const claimed = await pool.query(
      `insert into membership_reevaluations (evaluated_at) values ($1)
         on conflict (evaluated_at) do update set started_at = now()
           where membership_reevaluations.finished_at is null and membership_reevaluations.started_at < now() - make_interval(secs => $2)
         returning evaluated_at`,
      [new Date(to), LEASE_MS / 1000],
    );
    if (!claimed.rowCount) return undefined;
    const previous = await pool.query<{ at: Date | null }>('select max(evaluated_at) as at from membership_reevaluations where evaluated_at < $1', [
      new Date(to),
    ]);
    const from = previous.rows[0]?.at?.getTime() ?? to - intervalMs;
    const run: ReevaluationRun = { evaluatedAt: new Date(to), comparedWith: new Date(from), segments: 0, events: 0, failed: 0 };
    // Relative dates count whole UTC days: two instants of one day give every contact the same answer.
    if (Math.floor(from / DAY_MS) !== Math.floor(to / DAY_MS)) {
      for (const [workspaceId, watched] of await segments.everyWorkspace()) {
        for (const segment of watched.segments.filter((s) => s.timeDependent)) {
          if (stopping) return undefined; // unfinished: the lease hands it to whoever comes next
          try {
            const { published, complete } = await reevaluateSegment(workspaceId, segment, from, to);
            run.events += published;
            if (!complete) return undefined;
            run.segments += 1;
          } catch (err) {
            run.failed += 1;
            log.warn({ err, workspaceId, segmentId: segment.id }, 'could not re-evaluate a segment; the run goes on and is retried after its lease');
          }
        }
      }
    }
    // Unfinished, the run is taken over after its lease and every segment published again (same keys).
    if (run.failed > 0) return run;
    await pool.query('update membership_reevaluations set finished_at = now(), segments = $2, events = $3 where evaluated_at = $1', [
      new Date(to),
      run.segments,
      run.events,
    ]);
    log.info(
      { evaluatedAt: run.evaluatedAt.toISOString(), comparedWith: run.comparedWith.toISOString(), segments: run.segments, events: run.events },
      'membership re-evaluated',
    );
    return run;
  }

  /**
   * Runs what is due at `clock`: first any earlier run left unfinished past its lease (oldest
   * first), then the run of the interval boundary at or before `clock`, unless another process has
   * it or it is done (then undefined). Tests call it with the instants they choose.
   */
  async function runAt(clock: Date): Promise<ReevaluationRun | undefined> {
    const due = Math.floor(clock.getTime() / intervalMs) * intervalMs;
    const abandoned = await pool.query<{ at: Date }>(
      `select evaluated_at as at from membership_reevaluations
        where finished_at is null and evaluated_at < $1 and started_at < now() - make_interval(secs => $2) order by evaluated_at`,
      [new Date(due), LEASE_MS / 1000],
    );
    for (const { at } of abandoned.rows) {
      if (stopping) return undefined;
      await runSlot(at.getTime());
    }
    return runSlot(due);
  }

  function look(): void {
    if (running || stopping) return;
    running = runAt(new Date())
      .catch((err) => log.warn({ err }, 'membership re-evaluation failed; the next look retries'))
      .finally(() => (running = undefined));
  }

  return {
    runAt,
    /** Looks for a due run now and then every few minutes (a run is due once per interval; the claim makes a look cheap). */
    start(): void {
      look();
      timer = setInterval(look, Math.min(5 * 60_000, intervalMs / 4));
      timer.unref();
    },
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type TimeReevaluation = ReturnType<typeof createTimeReevaluation>;
