// An api running in-process on its own test environment, with a small HTTP client, so endpoint
// tests read as requests and answers. With `relay: false` the outbox keeps every event, so a test
// can assert exactly which events each write committed.
import { randomUUID } from 'node:crypto';
import type { Config } from '@segmenter/shared';
import { RunningApi, startApiService } from '../../services/api/src/api-service';
import { RunningIndexer, startIndexerService } from '../../services/indexer/src/indexer-service';
import { responseCheckEnabled, responseViolation } from './openapi-response-check';
import { createTestEnvironment, eventually, TestEnvironment } from './test-environment';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Workspace {
  id: string;
  key: string;
}

export interface HarnessOptions {
  relay?: boolean;
  jobRunner?: boolean;
  /** Also run the indexer in-process (with the relay, the whole path to Elasticsearch). */
  indexer?: boolean;
  retireGraceMs?: number;
  snapshotChunkSize?: number;
  /** Delivers events to webhooks (fan-out consumers and sender); off by default, the routes answer either way. */
  webhooks?: boolean;
  /** Changes the test environment's config for this api and its indexer (e.g. low limits or tiny search timeouts). */
  configure?: (config: Config) => Config;
}

export interface ApiHarness {
  env: TestEnvironment;
  api: RunningApi;
  indexer?: RunningIndexer;
  request<T = any>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  createWorkspace(name?: string): Promise<Workspace>;
  /** A request with the operator key. */
  operator<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** Events in the outbox for a workspace, in commit order, as [type, aggregate id] plus payload. */
  outboxEvents(workspaceId: string): Promise<{ type: string; aggregateId: string; payload: any }[]>;
  clearOutbox(workspaceId: string): Promise<void>;
  /** The job once it has ended (succeeded or failed), read through the API with the workspace's key. */
  jobEnded(key: string, jobId: string, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const env = await createTestEnvironment();
  const config = options.configure ? options.configure(env.config) : env.config;
  const api = await startApiService(config, env.log, {
    relay: options.relay ?? false,
    jobRunner: options.jobRunner ?? false,
    retireGraceMs: options.retireGraceMs,
    snapshotChunkSize: options.snapshotChunkSize,
    // Tests record segment history at instants of their choosing (api.segmentHistory.recordAt).
    segmentHistory: false,
    webhooks: options.webhooks ?? false,
  });
  // Tests that drive the membership re-evaluation's clock call indexer.reevaluation.runAt themselves.
  const indexer = options.indexer ? await startIndexerService(config, env.log, { timeReevaluation: false }) : undefined;
  const request: ApiHarness['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key) headers['x-api-key'] = o.key;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    // Streams and files (NDJSON, CSV) come back as text; everything else is JSON.
    const parsed = text && !/text\/csv|x-ndjson/.test(contentType ?? '') ? JSON.parse(text) : text || undefined;
    if (responseCheckEnabled()) {
      // Every answer a test receives must be what the OpenAPI document promises (OPENAPI_RESPONSE_CHECK=off to skip).
      const violation = responseViolation(method, path, res.status, contentType, parsed);
      if (violation) throw new Error(`OpenAPI response check: ${violation}`);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    env,
    api,
    indexer,
    request,
    operator: (method, path, body) => request(method, path, { body, headers: { authorization: `Bearer ${env.config.api.operatorKey}` } }),
    async createWorkspace(name = `ws-${randomUUID().slice(0, 8)}`) {
      const res = await request('POST', '/v1/admin/workspaces', {
        body: { name },
        headers: { authorization: `Bearer ${env.config.api.operatorKey}` },
      });
      if (res.status !== 201) throw new Error(`workspace creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.workspace.id, key: res.body.apiKey.key };
    },
    async outboxEvents(workspaceId) {
      const { rows } = await env.pool.query('select event_type, aggregate_id, payload from outbox where workspace_id = $1 order by id', [workspaceId]);
      return rows.map((r) => ({ type: r.event_type, aggregateId: r.aggregate_id, payload: r.payload }));
    },
    async clearOutbox(workspaceId) {
      await env.pool.query('delete from outbox where workspace_id = $1', [workspaceId]);
    },
    jobEnded: (key, jobId, timeoutMs = 60_000) =>
      eventually(
        async () => (await request('GET', `/v1/jobs/${jobId}`, { key })).body,
        (job) => job.status === 'succeeded' || job.status === 'failed',
        timeoutMs,
      ),
    async stop() {
      await indexer?.stop();
      await api.stop();
      await env.cleanup();
    },
  };
}

/**
 * Registers the usual per-file lifecycle: one harness and one workspace for the file, stopped
 * afterwards, with the workspace's outbox emptied before each test so each asserts its own events.
 */
export function useApiHarness(options: HarnessOptions = {}): { h: ApiHarness; ws: Workspace } {
  const context = {} as { h: ApiHarness; ws: Workspace };
  beforeAll(async () => {
    context.h = await startApiHarness(options);
    context.ws = await context.h.createWorkspace();
  });
  afterAll(async () => context.h?.stop());
  beforeEach(async () => context.h.clearOutbox(context.ws.id));
  return context;
}
