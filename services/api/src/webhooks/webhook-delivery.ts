// Starts webhook delivery in an api process: the fan-out consumers (events to delivery rows) and
// the sender (rows to POSTs), with their metrics, and the steps that stop them: consumers first,
// so no new rows arrive, then the sender, which finishes its attempts in flight.
import type { Config, Logger, Pool, Registry, StopStep } from '@segmenter/shared';
import { startWebhookFanOut } from './webhook-fan-out';
import { createWebhookMetrics } from './webhook-metrics';
import { createWebhookSender, WebhookSender } from './webhook-sender';

export interface RunningWebhookDelivery {
  sender: WebhookSender;
  /** Webhooks were created, changed or deleted: consume the sources they subscribe to now, not at the next look. */
  subscriptionsChanged(): void;
  stopSteps: StopStep[];
}

export async function startWebhookDelivery(deps: { config: Config; pool: Pool; log: Logger; registry: Registry }): Promise<RunningWebhookDelivery> {
  const { config, pool, registry } = deps;
  const log = deps.log.child({ component: 'webhooks' });
  const metrics = createWebhookMetrics(registry, pool, log);
  const settings = config.webhooks;
  const sender = createWebhookSender({
    pool,
    log,
    settings,
    onRecorded: (recorded) => {
      metrics.attempts.inc({ outcome: recorded.delivery });
      if (recorded.paused) metrics.paused.inc();
    },
  });
  const fanOut = await startWebhookFanOut(
    {
      brokers: config.kafka.brokers,
      clientId: `${config.kafka.clientId}-api-webhooks`,
      groupPrefix: settings.consumerGroup,
      checkIntervalMs: settings.subscriptionCheckMs,
      topics: { 'segment-events': config.kafka.topics.segmentEvents, 'contact-events': config.kafka.topics.contactEvents },
    },
    {
      pool,
      log,
      retentionHours: settings.retentionHours,
      onQueued: (deliveries) => {
        metrics.queued.inc(deliveries);
        if (deliveries > 0) sender.wake();
      },
      onInvalid: () => metrics.invalidEvents.inc(),
    },
    (err) => {
      // kafkajs gave up (a non-retriable error): exit so a supervisor restarts a clean process
      // rather than leaving one that serves requests but delivers no new events.
      log.fatal({ err }, 'webhook fan-out consumer crashed and will not restart; exiting');
      process.exit(1);
    },
  );
  sender.start();
  return {
    sender,
    subscriptionsChanged: () => fanOut.refresh(),
    stopSteps: [
      { name: 'webhook-fan-out', stop: () => fanOut.close() },
      { name: 'webhook-sender', stop: () => sender.stop() },
    ],
  };
}
