// Deletes what expires: write receipts (consistency tokens, kept 24 h), idempotency keys
// (replayed for 24 h), rows staged by imports that ended without dropping them, audience
// snapshots past their time to live (SNAPSHOT_TTL_HOURS) and webhook deliveries older than
// WEBHOOK_DELIVERY_RETENTION_HOURS. In bounded batches, so one pass never holds long locks; several api
// processes may run it at once (the deletes simply find less).
import { createBackgroundLoop, Logger, Pool } from '@segmenter/shared';
import { DEFAULT_SNAPSHOT_TTL_HOURS, deleteExpiredSnapshots } from '../segments/audience-snapshots';
import { deleteExpiredDeliveries } from '../webhooks/webhook-deliveries-store';

const BATCH = 5000;
/** Snapshots per delete: each holds up to 10,000 ids per chunk row, so a small batch is already many rows. */
const SNAPSHOT_BATCH = 50;
const EXPIRED = [
  `delete from write_receipts where id in (
     select id from write_receipts where created_at < now() - interval '24 hours' limit ${BATCH})`,
  `delete from idempotency_keys where (workspace_id, key) in (
     select workspace_id, key from idempotency_keys where created_at < now() - interval '24 hours' limit ${BATCH})`,
  // Rows staged by imports that ended without dropping them (their job failed after its retries).
  `delete from import_rows where (import_id, partition, row_number) in (
     select r.import_id, r.partition, r.row_number from import_rows r
       join imports i on i.id = r.import_id left join jobs j on j.id = i.job_id
      where i.status in ('succeeded', 'failed', 'cancelled') or j.status = 'failed' limit ${BATCH})`,
];

/** Webhook deliveries kept by default (WEBHOOK_DELIVERY_RETENTION_HOURS). */
const DEFAULT_WEBHOOK_DELIVERY_RETENTION_HOURS = 168;

export function createHousekeeping(options: {
  pool: Pool;
  log: Logger;
  intervalMs: number;
  snapshotTtlHours?: number;
  webhookDeliveryRetentionHours?: number;
}) {
  const { pool, log } = options;
  const snapshotTtlHours = options.snapshotTtlHours ?? DEFAULT_SNAPSHOT_TTL_HOURS;
  /** One pass: returns how many rows it deleted. */
  async function runOnce(): Promise<number> {
    let deleted = 0;
    for (const sql of EXPIRED) {
      for (;;) {
        const { rowCount } = await pool.query(sql);
        deleted += rowCount ?? 0;
        if ((rowCount ?? 0) < BATCH) break;
      }
    }
    for (;;) {
      const n = await deleteExpiredSnapshots(pool, snapshotTtlHours, SNAPSHOT_BATCH);
      deleted += n;
      if (n < SNAPSHOT_BATCH) break;
    }
    for (;;) {
      const n = await deleteExpiredDeliveries(pool, options.webhookDeliveryRetentionHours ?? DEFAULT_WEBHOOK_DELIVERY_RETENTION_HOURS, BATCH);
      deleted += n;
      if (n < BATCH) break;
    }
    return deleted;
  }

  const loop = createBackgroundLoop(async () => {
    try {
      const deleted = await runOnce();
      if (deleted > 0) log.info({ deleted }, 'expired receipts, idempotency keys, staged rows, snapshots and webhook deliveries deleted');
    } catch (err) {
      log.warn({ err }, 'housekeeping failed; will retry');
    }
    return options.intervalMs;
  });

  return { runOnce, start: loop.start, stop: loop.stop };
}
