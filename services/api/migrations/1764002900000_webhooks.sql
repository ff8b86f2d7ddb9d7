-- Up Migration

-- Webhooks a workspace registered (webhooks/): where segment and tag events are POSTed, signed
-- with the webhook's secret. Kept in clear because every delivery is signed with it; it is
-- answered only on create and on rotation. A paused webhook keeps receiving deliveries, which wait
-- (next_attempt_at = infinity) until it is resumed.
create table webhooks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  url text not null check (length(url) between 1 and 2048),
  description text check (length(description) <= 500),
  event_types text[] not null check (cardinality(event_types) > 0),
  -- Segment events only of these saved segments; null: of every segment.
  segment_ids uuid[],
  secret text not null,
  status text not null default 'active' check (status in ('active', 'paused')),
  paused_reason text,
  paused_at timestamptz,
  -- Failed attempts in a row, whatever the delivery, and when the first of them was recorded: a
  -- streak of WEBHOOK_PAUSE_AFTER_FAILURES failures lasting WEBHOOK_PAUSE_AFTER_MS pauses it.
  consecutive_failures int not null default 0,
  failing_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhooks_by_workspace on webhooks (workspace_id, created_at desc, id desc);

-- One row per event per webhook, made by the fan-out consumer; the unique key drops an event
-- replayed or published twice. `payload` is the JSON body sent (a tag event's holds the contact's
-- snapshot: erasing the contact deletes its deliveries, found by `contact_id`).
create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references webhooks (id) on delete cascade,
  workspace_id uuid not null,
  contact_id uuid,
  event_type text not null,
  event_key text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts int not null default 0,
  -- When a pending delivery is next due; a claimed one is leased until then (a sender that died
  -- leaves it due again when its lease runs out).
  next_attempt_at timestamptz not null default now(),
  lease_id uuid,
  last_attempt_at timestamptz,
  last_response_status int,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  unique (webhook_id, event_key)
);
-- The sender's claim, per webhook: its oldest due pending deliveries (one index descent per webhook).
create index webhook_deliveries_due on webhook_deliveries (webhook_id, next_attempt_at) where status = 'pending';
-- The claim's count of a webhook's attempts in flight (leased): a handful of rows, whatever the backlog.
create index webhook_deliveries_leased on webhook_deliveries (webhook_id, next_attempt_at) where status = 'pending' and lease_id is not null;
-- The delivery log, newest first.
create index webhook_deliveries_log on webhook_deliveries (webhook_id, created_at desc, id desc);
-- Housekeeping deletes by age.
create index webhook_deliveries_by_age on webhook_deliveries (created_at);
-- Erasure deletes a contact's deliveries.
create index webhook_deliveries_by_contact on webhook_deliveries (workspace_id, contact_id) where contact_id is not null;

-- Down Migration
drop table webhook_deliveries;
drop table webhooks;
