// GET /v1/counts: the dashboard's numbers from the mirror in one Elasticsearch round trip: live
// contacts, how many are sendable by email and by phone, per channel status, per tag and per
// label key. Accepts a consistency token to read its own writes.
import { Router } from 'express';
import { EsClient, estypes, Pool, workspaceSearch } from '@segmenter/shared';
import { workspaceOf, requireApiKey } from '../auth/authenticate';
import { ConsistencyDependencies, ensureConsistent } from '../consistency/consistency-check';
import { CountsQuery } from './counts-schemas';
import { parseRequestPart } from '../http/validate';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';
import { SENDABLE_AGGREGATIONS, SendableAggregations, sendableCounts } from '../segments/segment-counts';

const MAX_LABEL_KEYS = 1000;

type Buckets = { buckets: { key: string; doc_count: number }[] };
const countsOf = (agg: unknown) => Object.fromEntries((agg as Buckets).buckets.map((b) => [b.key, b.doc_count]));

export function countsRoutes(deps: ConsistencyDependencies & { es: EsClient; pool: Pool }): Router {
  const router = Router();
  const Query = CountsQuery(deps.maxWaitMs);
  router.get('/', requireApiKey(deps.pool, 'read'), async (req, res) => {
    const workspaceId = workspaceOf(res);
    const query = parseRequestPart(Query, 'query', req.query);
    const consistency = await ensureConsistent(deps, workspaceId, query, res);
    // The workspace's tags first, so every one of them is counted (not only the top buckets).
    const { rows: tags } = await deps.pool.query('select id, name from tags where workspace_id = $1 order by name', [workspaceId]);
    const started = performance.now();
    const time = searchTime(deps.es);
    const response = completeOrThrow(await withinSearchTime(() => deps.es.search({
      ...time.body,
      ...workspaceSearch(deps.alias, workspaceId, []),
      size: 0,
      track_total_hits: true, // exact, never "10,000+"
      aggs: {
        ...SENDABLE_AGGREGATIONS,
        email_status: { terms: { field: 'email_status', size: 20 } },
        phone_status: { terms: { field: 'phone_status', size: 20 } },
        tags: { terms: { field: 'tag_ids', size: Math.max(1, tags.length), include: tags.length > 0 ? tags.map((t) => t.id as string) : ['none'] } },
        label_keys: { terms: { field: 'label_keys', size: MAX_LABEL_KEYS } },
      },
    }, time.options)));
    const tookMs = Math.round(performance.now() - started);
    const aggs = response.aggregations as Record<string, unknown> & SendableAggregations;
    const tagCounts = countsOf(aggs.tags);
    const labelKeys = aggs.label_keys as Buckets & { sum_other_doc_count: number };
    res.json({
      total: (response.hits.total as estypes.SearchTotalHits).value,
      sendable: sendableCounts(aggs),
      emailStatus: countsOf(aggs.email_status),
      phoneStatus: countsOf(aggs.phone_status),
      tags: tags.map((t) => ({ id: t.id, name: t.name, count: tagCounts[t.id] ?? 0 })),
      labelKeys: countsOf(labelKeys),
      // More label keys than listed: the rest are counted in GET /v1/labels.
      labelKeysTruncated: labelKeys.sum_other_doc_count > 0,
      tookMs,
      ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}),
    });
  });
  return router;
}
