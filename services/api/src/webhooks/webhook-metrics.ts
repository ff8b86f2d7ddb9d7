// Webhook metrics: attempts by outcome, deliveries queued by the fan-out, webhooks paused, invalid
// events skipped, and the queue (read from Postgres at scrape time, so it is true whichever
// process sends).
import { Counter, Gauge, type Logger, type Pool, type Registry } from '@segmenter/shared';
import { deliveryQueueDepth } from './webhook-deliveries-store';

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;

export function createWebhookMetrics(registry: Registry, pool: Pool, log: Logger) {
  const registers = [registry];
  new Gauge({
    name: 'segmenter_webhook_queue',
    help: 'Pending webhook deliveries: queued (due, retrying or in flight) and waiting (their webhook is paused)',
    labelNames: ['state'],
    registers,
    async collect() {
      try {
        const depth = await deliveryQueueDepth(pool);
        this.set({ state: 'queued' }, depth.queued);
        this.set({ state: 'waiting' }, depth.waiting);
      } catch (err) {
        log.warn({ err }, 'metrics query failed');
      }
    },
  });
  return {
    attempts: new Counter({
      name: 'segmenter_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (the last attempt failed), stale (its lease had been taken over)',
      labelNames: ['outcome'],
      registers,
    }),
    queued: new Counter({
      name: 'segmenter_webhook_deliveries_queued_total',
      help: 'Webhook deliveries made by the fan-out (one per event and matching webhook)',
      registers,
    }),
    paused: new Counter({
      name: 'segmenter_webhooks_paused_total',
      help: 'Webhooks paused after WEBHOOK_PAUSE_AFTER_FAILURES failed attempts in a row',
      registers,
    }),
    invalidEvents: new Counter({
      name: 'segmenter_webhook_invalid_events_total',
      help: 'Kafka messages the webhook fan-out skipped because they were not valid events',
      registers,
    }),
  };
}
