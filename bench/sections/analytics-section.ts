// The latency of every analytics endpoint the api has: whatever paths under /v1/analytics its
// OpenAPI document lists when the run starts, each with its required parameters filled from the
// loaded data, over the whole workspace and, where it takes one, within a saved broad segment.
// No endpoint, no rows: the section says so and passes.
import type { BenchContext, BenchRow, SectionResult } from '../bench-context';
import { call, request } from '../bench-api';
import { summarize, timed } from '../bench-stats';

type Parameter = { name: string; in: string; required?: boolean; schema?: Record<string, any> };

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** A value for a parameter the endpoint requires, from its name and schema; undefined when the bench cannot tell. */
function valueFor(p: Parameter, known: { labelKey: string; segmentIds: string[] }): string | undefined {
  const schema = p.schema ?? {};
  if (p.in === 'path' && p.name === 'key') return known.labelKey;
  if (/segmentid$/i.test(p.name) || (p.in === 'path' && p.name === 'id')) return known.segmentIds[0];
  if (p.name === 'ids') return known.segmentIds.join(',');
  // Date ranges: two years back (the data's span) to today.
  if (p.name === 'from') return day(-730);
  if (p.name === 'to') return day(0);
  if (schema.default !== undefined) return String(schema.default);
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 10);
  if (schema.format === 'date') return day(0);
  return undefined;
}

interface Probe {
  label: string;
  url: string;
}

function probesOf(pathName: string, parameters: Parameter[], known: { labelKey: string; segmentIds: string[] }): Probe[] | { skipped: string } {
  let route = pathName;
  const query = new URLSearchParams();
  for (const p of parameters) {
    if (p.in !== 'path' && !p.required) continue;
    const value = valueFor(p, known);
    if (value === undefined) return { skipped: `no value for its required ${p.in} parameter ${p.name}` };
    if (p.in === 'path') route = route.replace(`{${p.name}}`, encodeURIComponent(value));
    else query.set(p.name, value);
  }
  const whole = { label: pathName, url: `${route}${query.size ? `?${query}` : ''}` };
  if (!parameters.some((p) => p.in === 'query' && p.name === 'segmentId') || query.has('segmentId')) return [whole];
  const scoped = new URLSearchParams(query);
  scoped.set('segmentId', known.segmentIds[0]!);
  return [whole, { label: `${pathName} (within a saved segment)`, url: `${route}?${scoped}` }];
}

export async function analyticsSection(ctx: BenchContext): Promise<SectionResult> {
  const document = (await request<{ paths: Record<string, Record<string, { parameters?: Parameter[] }>> }>(ctx.apiUrl, 'GET', '/openapi.json', ctx.workspace))
    .body;
  const operations = Object.entries(document.paths ?? {})
    .filter(([p]) => p.startsWith('/v1/analytics'))
    .flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ path: p, method, parameters: op.parameters ?? [] })));
  if (operations.length === 0) {
    ctx.log('analytics: the api lists no /v1/analytics endpoint; nothing to measure');
    return {
      figures: { endpoints: [] },
      rows: [{ section: 'analytics', measure: 'endpoints under /v1/analytics', value: 0, unit: 'endpoints', note: 'none in the OpenAPI document' }],
    };
  }
  // Saved segments to narrow by (a broad one first) and to list.
  const segmentIds: string[] = [];
  for (const segment of [...ctx.suite.filter((s) => s.broad), ...ctx.suite.filter((s) => !s.broad)].slice(0, 5)) {
    segmentIds.push((await call(ctx.apiUrl, 'POST', '/v1/segments', ctx.workspace, { name: `bench: ${segment.name}`, text: segment.text })).id);
  }
  const known = { labelKey: 'plan', segmentIds };
  const warmup = ctx.smoke ? 2 : 5;
  const rounds = ctx.smoke ? 5 : 50;
  const rows: BenchRow[] = [];
  const endpoints: Record<string, unknown>[] = [];
  const failures: string[] = [];
  for (const op of operations) {
    if (op.method !== 'get') {
      rows.push({
        section: 'analytics',
        measure: `${op.method.toUpperCase()} ${op.path}`,
        value: NaN,
        unit: 'ms',
        note: 'not measured: the bench builds GET requests only',
      });
      continue;
    }
    const probes = probesOf(op.path, op.parameters, known);
    if ('skipped' in probes) {
      rows.push({ section: 'analytics', measure: op.path, value: NaN, unit: 'ms', note: `not measured: ${probes.skipped}` });
      continue;
    }
    for (const probe of probes) {
      const samples: number[] = [];
      let status = 0;
      let detail = '';
      for (let r = 0; r < warmup + rounds; r++) {
        const { ms, value } = await timed(() => request(ctx.apiUrl, 'GET', probe.url, ctx.workspace));
        status = value.status;
        if (status !== 200) {
          detail = JSON.stringify(value.body).slice(0, 300);
          break;
        }
        if (r >= warmup) samples.push(ms);
      }
      if (status !== 200) {
        // A 5xx is the api's failure; a 4xx is the bench's guess at the parameters being wrong.
        if (status >= 500) failures.push(`${probe.url} answered ${status}: ${detail}`);
        rows.push({ section: 'analytics', measure: probe.label, value: NaN, unit: 'ms', note: `not measured: ${probe.url} answered ${status}: ${detail}` });
        endpoints.push({ endpoint: probe.label, url: probe.url, status, detail });
        continue;
      }
      const latency = summarize(samples);
      endpoints.push({ endpoint: probe.label, url: probe.url, ...latency });
      rows.push({
        section: 'analytics',
        measure: `${probe.label} p50`,
        value: latency.p50Ms,
        unit: 'ms',
        note: `p99 ${latency.p99Ms} ms; GET ${probe.url.split('?')[0]}`,
      });
    }
  }
  const result = { figures: { warmup, rounds, endpoints }, rows };
  if (failures.length > 0) throw Object.assign(new Error(`analytics: ${failures.join('; ')}`), { partial: result });
  return result;
}
