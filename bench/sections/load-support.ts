// What the load sections share beyond bench-stats and bench-api: counts as a workspace's client
// asks for them, the api's own resolution of segment text (for baselines that go around the api),
// and the resident memory of a process sampled from /proc finer than the runner's monitor does.
import fs from 'node:fs';
import type { Condition } from '@segmenter/shared';
import { createResolutionContext } from '../../services/api/src/segments/resolution-context';
import { treeOfQuery } from '../../services/api/src/segments/segment-resolver';
import { call } from '../bench-api';
import type { BenchContext, BenchWorkspace } from '../bench-context';

/** A JSON request to the api with the workspace's key; anything but a 2xx throws, so a section never measures errors as answers. */
export function callApi<T>(ctx: BenchContext, workspace: BenchWorkspace, method: string, route: string, body?: unknown): Promise<T> {
  return call<T>(ctx.apiUrl, method, route, { apiKey: workspace.apiKey }, body);
}

export interface CountResult {
  total: number;
  sendable: { email: number; phone: number };
}

/** Counts of segment texts in the workspace, in one request (at most 50, the api's limit). */
export async function countTexts(ctx: BenchContext, workspace: BenchWorkspace, texts: string[]): Promise<CountResult[]> {
  const answer = await callApi<{ results: (CountResult | { status: number; detail: string })[] }>(ctx, workspace, 'POST', '/v1/segments/count', {
    queries: texts.map((text) => ({ text })),
  });
  return answer.results.map((r, i) => {
    if (!('total' in r)) throw new Error(`counting ${JSON.stringify(texts[i])} failed: ${r.status} ${r.detail}`);
    return r;
  });
}

/**
 * Segment text resolved exactly as the api resolves it (the api's resolver, reading tags, custom
 * fields and saved segments from Postgres): what a baseline compiles when it skips the api.
 */
export function resolveSegmentText(ctx: BenchContext, text: string): Promise<Condition> {
  return treeOfQuery(createResolutionContext(ctx.workspace.id, ctx.pool), { text }, 'query');
}

/** Resident set size of a process in bytes (Linux /proc), or undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped: first, peak and last sample. */
export function sampleResidentMemory(pid: number, everyMs = 50): { stop(): { startBytes: number; peakBytes: number; endBytes: number; samples: number } } {
  const startBytes = residentBytes(pid) ?? NaN;
  let peakBytes = startBytes;
  let endBytes = startBytes;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = residentBytes(pid);
    if (rss === undefined) return;
    samples++;
    endBytes = rss;
    peakBytes = Math.max(peakBytes, rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { startBytes, peakBytes, endBytes, samples };
    },
  };
}
