-- Up Migration

-- A replayed answer carries the Consistency-Token of the write it replays, so a client that
-- retries a create after a dropped connection can still wait for its own write.
alter table idempotency_keys add column consistency_token text;

-- Down Migration
alter table idempotency_keys drop column consistency_token;
