// The steady write traffic the load sections measure under: batch upserts into the other
// workspace (same index, same relay, same indexer), each changing a label and adding a tag, so
// every contact written is a real change that flows through the outbox, Kafka and the indexer.
import type { BenchContext } from '../bench-context';
import { round, sleep } from '../bench-stats';
import { callApi } from './load-support';

/**
 * 100 contacts every 500 ms: 200 changed contacts a second, a busy tenant's integration. Steady
 * and sustainable: a rate the pipeline cannot keep up with would measure its backlog, not its lag.
 */
const BATCH = 100;
const EVERY_MS = 500;
/** The writer cycles over this many addresses: it creates them on the first pass, then updates them. */
const ADDRESSES = 10_000;

export interface BackgroundWriteFigures {
  seconds: number;
  requests: number;
  contacts: number;
  /** Achieved; below BATCH / EVERY_MS when the api cannot keep up (the writer never bursts to catch up). */
  contactsPerSecond: number;
  targetContactsPerSecond: number;
  /** Requests that failed or items the api refused: should be zero. */
  failures: number;
  firstFailure?: string;
}

export interface BackgroundWrites {
  stop(): Promise<BackgroundWriteFigures>;
}

export function startBackgroundWrites(ctx: BenchContext): BackgroundWrites {
  const started = performance.now();
  let stopped = false;
  let requests = 0;
  let contacts = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const fail = (why: string) => {
    failures++;
    firstFailure ??= why;
  };
  const loop = (async () => {
    let nextAt = started;
    for (let batch = 0; !stopped; batch++) {
      const contactsOfBatch = Array.from({ length: BATCH }, (_, i) => ({
        email: `bg${(batch * BATCH + i) % ADDRESSES}@bench.example.com`,
        labels: { bg: `b${batch}` },
        tags: [`bg ${batch % 10}`],
      }));
      try {
        const answer = await callApi<{ summary: { failed: number }; results: { status: string; detail?: string }[] }>(
          ctx,
          ctx.otherWorkspace,
          'POST',
          '/v1/contacts/batch-upsert',
          { matchBy: 'email', createMissing: true, contacts: contactsOfBatch },
        );
        requests++;
        contacts += BATCH - answer.summary.failed;
        if (answer.summary.failed > 0) fail(`batch ${batch}: ${answer.results.find((r) => r.status === 'error')?.detail ?? 'an item failed'}`);
      } catch (err) {
        fail(`batch ${batch}: ${(err as Error).message}`);
      }
      // On schedule, not after completion: a slow answer shortens the pause instead of lowering the
      // rate; slots missed while it was slow are dropped, not made up in a burst.
      nextAt = Math.max(nextAt + EVERY_MS, performance.now());
      await sleep(nextAt - performance.now());
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const seconds = (performance.now() - started) / 1000;
      return {
        seconds: round(seconds),
        requests,
        contacts,
        contactsPerSecond: Math.round(contacts / seconds),
        targetContactsPerSecond: (BATCH * 1000) / EVERY_MS,
        failures,
        ...(firstFailure ? { firstFailure } : {}),
      };
    },
  };
}
