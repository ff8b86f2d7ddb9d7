// The counts feature behind GET /v1/counts: the dashboard's numbers from the search index in one
// Elasticsearch round trip (live contacts, sendable by email and by phone, per channel status, per
// tag and per label key), after waiting for the writes behind a consistency token when one is given,
// with how fresh the index was for the workspace.
import { estypes, workspaceSearch } from '@segmenter/shared';
import { ChannelAggregation, channelAggregation, statusCountsOf } from '../analytics/channel-aggregations';
import { ConsistencyDependencies, ensureConsistent } from '../consistency/consistency-check';
import type { MirrorFreshness } from '../consistency/mirror-freshness';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';

const MAX_LABEL_KEYS = 1000;

type Buckets = { buckets: { key: string; doc_count: number }[] };
const countsOf = (agg: unknown) => Object.fromEntries((agg as Buckets).buckets.map((b) => [b.key, b.doc_count]));

export interface CountsServiceDependencies {
  /** Postgres, the index, and how long reads may wait for read-your-writes. */
  search: ConsistencyDependencies;
  /** How far the index is behind Postgres for a workspace (consistency/mirror-freshness.ts). */
  freshness: { of(workspaceId: string): Promise<MirrorFreshness> };
}

export type CountsService = ReturnType<typeof createCountsService>;

export function createCountsService(deps: CountsServiceDependencies) {
  const { pool, es, alias } = deps.search;
  return {
    /** The workspace's numbers; NotYetConsistentError when the token's writes are not searchable within the wait. */
    async count(workspaceId: string, query: { consistencyToken?: string; waitMs?: number }) {
      const consistency = await ensureConsistent(deps.search, workspaceId, query);
      // The workspace's tags first, so every one of them is counted (not only the top buckets).
      const { rows: tags } = await pool.query('select id, name from tags where workspace_id = $1 order by name', [workspaceId]);
      const started = performance.now();
      let tookMs = 0;
      const time = searchTime(es);
      const searched = withinSearchTime(es, () =>
        es
          .search(
            {
              ...time.body,
              ...workspaceSearch(alias, workspaceId, []),
              size: 0,
              track_total_hits: true, // exact, never "10,000+"
              aggs: {
                // Statuses and sendable of the contacts that have the channel (a contact without a
                // phone number is 'active' by phone in its document: counted, it would look reachable).
                email: channelAggregation('email'),
                phone: channelAggregation('phone'),
                tags: { terms: { field: 'tag_ids', size: Math.max(1, tags.length), include: tags.length > 0 ? tags.map((t) => t.id as string) : ['none'] } },
                label_keys: { terms: { field: 'label_keys', size: MAX_LABEL_KEYS } },
              },
            },
            time.options,
          )
          .then((response) => {
            tookMs = Math.round(performance.now() - started);
            return completeOrThrow(response);
          }),
      );
      // Read while the search runs: the answer's numbers are at least this fresh.
      const [response, freshness] = await Promise.all([searched, deps.freshness.of(workspaceId)]);
      const aggs = response.aggregations as Record<string, unknown> & { email: ChannelAggregation; phone: ChannelAggregation };
      const tagCounts = countsOf(aggs.tags);
      const labelKeys = aggs.label_keys as Buckets & { sum_other_doc_count: number };
      return {
        total: (response.hits.total as estypes.SearchTotalHits).value,
        sendable: { email: aggs.email.sendable.doc_count, phone: aggs.phone.sendable.doc_count },
        emailStatus: statusCountsOf(aggs.email),
        phoneStatus: statusCountsOf(aggs.phone),
        tags: tags.map((t) => ({ id: t.id, name: t.name, count: tagCounts[t.id] ?? 0 })),
        labelKeys: countsOf(labelKeys),
        // More label keys than listed: the rest are counted in GET /v1/labels.
        labelKeysTruncated: labelKeys.sum_other_doc_count > 0,
        tookMs,
        freshness,
        ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}),
      };
    },
  };
}
