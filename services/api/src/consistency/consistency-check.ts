// Read-your-writes for reads served by Elasticsearch: a request may pass the consistency token a
// write returned (and how long it may wait); the read then waits until the search index shows that
// write, or fails with NotYetConsistentError (503; its route adds Retry-After, retry-after-not-yet-consistent.ts).
import type { EsClient, Pool } from '@segmenter/shared';
import { NotYetConsistentError, ValidationError } from '../errors/app-error';
import { decodeToken, WrittenVersion } from './consistency-token';
import { awaitSearchable, ConsistencyOutcome } from './await-searchable';
import type { IndexRefresher } from './refresh-on-wait';

export interface ConsistencyDependencies {
  pool: Pool;
  es: EsClient;
  alias: string;
  defaultWaitMs: number;
  maxWaitMs: number;
  /** Told how long each wait took and how it ended (metrics). */
  observeWait?: (outcome: 'consistent' | 'timed_out', seconds: number) => void;
  /** Refreshes the index for waiting reads (shared, rate-limited); without it they wait for the scheduled refresh. */
  refresher?: IndexRefresher;
}

async function versionsOf(pool: Pool, workspaceId: string, text: string): Promise<WrittenVersion[]> {
  const token = decodeToken(text);
  const field = 'query.consistencyToken';
  if (!token) throw new ValidationError([{ field, rule: 'must be a token returned in a Consistency-Token header' }]);
  if (token.workspaceId !== workspaceId) throw new ValidationError([{ field, rule: 'was issued for a write in another workspace' }]);
  if ('versions' in token) return token.versions;
  const { rows } = await pool.query(
    "select contact_ids, versions from write_receipts where workspace_id = $1 and id = $2 and created_at > now() - interval '24 hours'",
    [workspaceId, token.receiptId],
  );
  if (!rows[0]) throw new ValidationError([{ field, rule: 'names a write receipt that does not exist or has expired (kept 24 hours)' }]);
  return (rows[0].contact_ids as string[]).map((contactId, i) => ({ contactId, version: Number(rows[0].versions[i]) }));
}

/** Waits for the token's writes when one was given; throws NotYetConsistentError past the wait. */
export async function ensureConsistent(
  deps: ConsistencyDependencies,
  workspaceId: string,
  query: { consistencyToken?: string; waitMs?: number },
): Promise<ConsistencyOutcome | undefined> {
  if (query.consistencyToken === undefined) return undefined;
  const versions = await versionsOf(deps.pool, workspaceId, query.consistencyToken);
  const outcome = await awaitSearchable(deps.es, deps.alias, workspaceId, versions, query.waitMs ?? deps.defaultWaitMs, deps.refresher);
  deps.observeWait?.(outcome.consistent ? 'consistent' : 'timed_out', outcome.waitedMs / 1000);
  if (!outcome.consistent) throw new NotYetConsistentError(outcome.pending, outcome.waitedMs);
  return outcome;
}
