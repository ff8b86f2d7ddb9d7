// `npm run bench`: one run, one table. Generates a deterministic workspace of N contacts (and a
// small second one), loads it through the import API with the api and the indexer as child
// processes (their peak memory and CPU sampled from /proc), then measures the segment suite
// (Elasticsearch through the API against the reference SQL on an indexed Postgres), many counts in
// one request, the analytics endpoints, the load sections (bench/sections/load-sections.ts), batch
// upsert and the index jobs. Every figure goes to bench/results/<time>.json, the table to <time>.md.
//
//   npm run bench                          100,000 contacts (BENCH_CONTACTS)
//   npm run bench -- --contacts 1000000    the size the targets are set for
//   npm run bench -- --smoke               10,000 contacts, short loops, every section (CI; BENCH_SMOKE=1)
//   npm run bench -- --skip index-jobs,upsert
// Sections: ingest, suite, counts, explain, analytics, the load sections, upsert, membership, index-jobs.
//
// Exits non-zero when a section throws, or when Elasticsearch and SQL count a segment differently.
import os from 'node:os';
import path from 'node:path';
import globalSetup from '../test/global-setup';
import globalTeardown from '../test/global-teardown';
import type { BenchRow, SectionResult } from './bench-context';
import { BenchOptions, Harness, startHarness, stopHarness } from './bench-harness';
import { markdownTable, targetMet, writeResults } from './bench-report';
import { round } from './bench-stats';
import { buildSuite } from './bench-suite';
import { ingestSection, upsertSection } from './ingest-bench';
import { analyticsSection } from './sections/analytics-section';
import { countsSection } from './sections/counts-section';
import { explainSection } from './sections/explain-section';
import { indexJobsSection } from './sections/index-jobs-section';
import { LOAD_SECTIONS } from './sections/load-sections';
import { membershipSection } from './sections/membership-section';
import { suiteSection } from './sections/suite-section';

const repoRoot = path.resolve(__dirname, '..');

function parseOptions(argv: string[]): BenchOptions & { outDir: string } {
  const flag = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const smoke = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
  const contacts = Number(flag('contacts') ?? process.env.BENCH_CONTACTS ?? (smoke ? 10_000 : 100_000));
  if (!Number.isInteger(contacts) || contacts < 1000)
    throw new Error(`--contacts must be a whole number of at least 1000, not ${flag('contacts') ?? process.env.BENCH_CONTACTS}`);
  const seed = Number(flag('seed') ?? process.env.BENCH_SEED ?? 20261201);
  const skip = new Set((flag('skip') ?? process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
  // A smoke run's results are a check, not a measurement: they stay out of bench/results.
  const outDir = path.resolve(
    flag('out') ?? process.env.BENCH_OUT ?? (smoke ? path.join(repoRoot, '.cache', 'bench', 'results') : path.join(repoRoot, 'bench', 'results')),
  );
  const cache = path.join(repoRoot, '.cache', 'bench');
  return { contacts, smoke, seed, skip, outDir, dataDir: path.join(cache, 'data'), logDir: path.join(cache, 'logs') };
}

interface SectionRun {
  name: string;
  run: (h: Harness) => Promise<SectionResult>;
}

/** In order: the data first (everything else stands on it), then what reads it, the load sections, and what writes or rebuilds last. */
const SECTIONS: SectionRun[] = [
  { name: 'ingest', run: ingestSection },
  { name: 'suite', run: suiteSection },
  { name: 'counts', run: countsSection },
  { name: 'explain', run: explainSection },
  { name: 'analytics', run: analyticsSection },
  ...LOAD_SECTIONS.map((s) => ({ name: s.name, run: (h: Harness) => s.run(h) })),
  { name: 'upsert', run: upsertSection },
  { name: 'membership', run: membershipSection },
  // Last: a rebuild swaps the index under the alias, and its merges would disturb any measurement after it.
  { name: 'index-jobs', run: indexJobsSection },
];

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const log = (line: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
  log(`${options.smoke ? 'smoke run, ' : ''}${options.contacts.toLocaleString('en-US')} contacts, seed ${options.seed}`);
  await globalSetup();
  let harness: Harness | undefined;
  const stop = async () => {
    if (harness) await stopHarness(harness).catch((err) => log(`cleanup: ${(err as Error).message}`));
    harness = undefined;
    await globalTeardown().catch((err) => log(`teardown: ${(err as Error).message}`));
  };
  // Ctrl-C, or a failure outside any section's await, still drops the run's database, topics and indices.
  process.once('SIGINT', () => {
    log('interrupted: cleaning up');
    void stop().finally(() => process.exit(130));
  });
  for (const event of ['unhandledRejection', 'uncaughtException'] as const)
    process.once(event, (err) => {
      log(`${event}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}; cleaning up`);
      void stop().finally(() => process.exit(1));
    });

  const sections: Record<string, unknown> = {};
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  try {
    harness = await startHarness(options);
    const h = harness;
    h.suite = buildSuite(h.plans.large);
    for (const section of SECTIONS) {
      if (options.skip.has(section.name)) {
        log(`${section.name}: skipped`);
        continue;
      }
      log(`${section.name}`);
      h.monitor.phase(section.name);
      const started = performance.now();
      let result: SectionResult | undefined;
      let error: string | undefined;
      try {
        result = await section.run(h);
      } catch (err) {
        error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        result = (err as { partial?: SectionResult }).partial;
        failures.push(`${section.name}: ${err instanceof Error ? err.message : String(err)}`);
        log(`${section.name} FAILED: ${error}`);
      }
      const processes = h.monitor.endPhase();
      sections[section.name] = { seconds: round((performance.now() - started) / 1000), ...(result?.figures ?? {}), processes, ...(error ? { error } : {}) };
      rows.push(...(result?.rows ?? []));
      if (error) rows.push({ section: section.name, measure: 'section failed', value: NaN, unit: '', note: error.split('\n')[0]! });
      // Nothing stands without the data.
      if (section.name === 'ingest' && error) break;
    }
    const processFigures = h.monitor.figures();
    const peaks = { api: h.monitor.peakMiB('api'), indexer: h.monitor.peakMiB('indexer') };
    const cpu = (name: string) => round(Object.values(processFigures.phases).reduce((n, p) => n + (p.processes[name]?.cpuSeconds ?? 0), 0));
    // The first sample is the process idle after its start (node + tsx's compiler), the floor of its peak.
    const idle = (name: string) => processFigures.rssMiBOverTime[name]?.[0]?.[1];
    for (const name of ['api', 'indexer'] as const)
      rows.push({
        section: 'processes',
        measure: `${name} peak memory (VmHWM), whole run`,
        value: peaks[name],
        unit: 'MiB',
        note: `${idle(name)} MiB idle after start; ${cpu(name)} CPU s in the sections`,
      });
    const finishedAt = new Date();
    const results = {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      contacts: options.contacts,
      smoke: options.smoke,
      seed: options.seed,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      machine: { node: process.version, cpus: os.availableParallelism(), memoryGiB: round(os.totalmem() / 2 ** 30), platform: `${os.type()} ${os.release()}` },
      suite: h.suite,
      sections,
      processes: { peakMiB: peaks, ...processFigures },
      rows,
      targetsMissed: rows.filter((r) => targetMet(r) === false).map((r) => `${r.section}: ${r.measure}`),
      failures,
    };
    const heading = [
      `# Benchmark, ${options.contacts.toLocaleString('en-US')} contacts${options.smoke ? ' (smoke)' : ''}`,
      '',
      `\`${results.command}\`, seed ${options.seed}, ${startedAt.toISOString()} to ${finishedAt.toISOString()} ` +
        `(${round((finishedAt.getTime() - startedAt.getTime()) / 60_000)} min), ${results.machine.cpus} cores, ${results.machine.memoryGiB} GiB, Node ${process.version}.`,
      '',
    ].join('\n');
    const markdown = `${heading}\n${markdownTable(rows, options.contacts)}${failures.length ? `\n\nFailures:\n${failures.map((f) => `- ${f}`).join('\n')}` : ''}`;
    const files = writeResults(options.outDir, stamp, results, markdown);
    console.log(markdown);
    log(`written to ${path.relative(process.cwd(), files.json)} and ${path.relative(process.cwd(), files.md)}`);
  } catch (err) {
    failures.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
    log(`FAILED: ${failures[failures.length - 1]}`);
  } finally {
    await stop();
  }
  if (failures.length > 0) log(`${failures.length} failure(s): ${failures.map((f) => f.split('\n')[0]).join(' | ')}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
