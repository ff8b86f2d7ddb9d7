// Sends due webhook deliveries: claims them in Postgres (FOR UPDATE SKIP LOCKED, leased, so
// several api processes share the work and a dead one's claims come back; fairly, so one
// webhook's backlog does not hold up the others), POSTs each, and records the outcome: delivered,
// due again after a backoff, failed after the last attempt, and the webhook paused after a long
// enough failure streak. Up to `concurrency` attempts in flight, `perWebhook` of one webhook.
import { createBackgroundLoop, inTransaction, type Logger, type Pool, type WebhookSettings } from '@segmenter/shared';
import { retryDelayMs } from './webhook-backoff';
import { claimDueDeliveries, ClaimedDelivery, recordAttempt, RecordedAttempt } from './webhook-deliveries-store';
import { createWebhookPoster } from './webhook-post';

/** Attempts of one webhook in flight at once: a slow receiver ties up this many of the sender's slots, no more. */
export const IN_FLIGHT_PER_WEBHOOK = 2;

/** What the sender reads of the webhook settings (config.ts): all but the fan-out's. */
export type WebhookSenderSettings = Omit<WebhookSettings, 'consumerGroup' | 'retentionHours' | 'subscriptionCheckMs'>;

export interface WebhookSender {
  start(): void;
  /** Looks for due deliveries now (the fan-out queued some). */
  wake(): void;
  /** Stops claiming and waits for the attempts in flight (each ends within the timeout). */
  stop(): Promise<void>;
}

export function createWebhookSender(deps: {
  pool: Pool;
  log: Logger;
  settings: WebhookSenderSettings;
  onRecorded?: (recorded: RecordedAttempt) => void;
}): WebhookSender {
  const { pool, log, settings } = deps;
  // The lease outlives the attempt's timeout with room for recording it; past it the delivery is due again.
  const leaseMs = settings.timeoutMs + 30_000;
  const inFlight = new Set<Promise<void>>();
  const poster = createWebhookPoster({ timeoutMs: settings.timeoutMs, allowLoopback: settings.allowLoopback });

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await poster.post({
      url: delivery.url,
      secret: delivery.secret,
      body: JSON.stringify(delivery.payload),
      eventType: delivery.eventType,
      eventKey: delivery.eventKey,
      deliveryId: delivery.id,
      webhookId: delivery.webhookId,
      attempt: delivery.attempts,
    });
    const policy = {
      retryInMs: retryDelayMs(delivery.attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }),
      maxAttempts: settings.maxAttempts,
      pause: { afterFailures: settings.pauseAfterFailures, afterMs: settings.pauseAfterMs },
    };
    const recorded = await inTransaction(pool, (client) => recordAttempt(client, delivery, outcome, policy));
    deps.onRecorded?.(recorded);
    if (recorded.paused) log.warn({ webhookId: delivery.webhookId, workspaceId: delivery.workspaceId }, 'webhook paused after failures in a row');
  }

  function launch(delivery: ClaimedDelivery): void {
    const running = attempt(delivery)
      // Unrecorded, the delivery stays leased and is tried again when its lease runs out.
      .catch((err) => log.warn({ err, deliveryId: delivery.id }, 'webhook attempt could not be recorded'))
      .finally(() => {
        inFlight.delete(running);
        loop.wake(); // a slot is free
      });
    inFlight.add(running);
  }

  const loop = createBackgroundLoop(async () => {
    const free = settings.concurrency - inFlight.size;
    if (free <= 0) return settings.pollIntervalMs; // woken when a slot frees
    try {
      const claimed = await claimDueDeliveries(pool, free, leaseMs, IN_FLIGHT_PER_WEBHOOK);
      for (const delivery of claimed) launch(delivery);
      return claimed.length === free ? 0 : settings.pollIntervalMs;
    } catch (err) {
      log.warn({ err }, 'claiming webhook deliveries failed; will retry');
      return settings.pollIntervalMs;
    }
  });

  return {
    start: loop.start,
    wake: loop.wake,
    async stop() {
      await loop.stop();
      await Promise.all(inFlight);
      poster.close();
    },
  };
}
