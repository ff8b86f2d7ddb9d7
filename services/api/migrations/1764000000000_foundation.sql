-- Up Migration

-- A workspace owns its contacts; every query carries its id.
create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);

-- API keys are stored as a SHA-256 of the whole key: the secret part is 32 random bytes, so a
-- slow password hash buys nothing, and lookup by prefix stays a single index probe.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  prefix text not null unique,
  secret_sha256 bytea not null,
  scopes text[] not null check (scopes <@ array['read', 'write', 'admin']::text[] and cardinality(scopes) > 0),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_workspace on api_keys (workspace_id);

create table contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id),
  email text,
  phone text,
  first_name text,
  last_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Strictly increasing on every change to what is indexed; the indexer's external version.
  version bigint not null default 1 check (version > 0),
  constraint contacts_email_or_phone check (email is not null or phone is not null)
);
create unique index contacts_workspace_email on contacts (workspace_id, email) where email is not null;
create index contacts_workspace_phone on contacts (workspace_id, phone) where phone is not null;
create index contacts_workspace_created on contacts (workspace_id, created_at, id);

-- The transactional outbox. A row is written in the same transaction as the change it
-- describes and deleted once Kafka acknowledged it, so the table holds only the backlog. The
-- relay takes rows with FOR UPDATE SKIP LOCKED instead of a high-water mark on id, because a
-- bigserial is assigned at insert and commits out of order.
create table outbox (
  id bigserial primary key,
  workspace_id uuid not null,
  -- The Kafka key: the contact id for contact events, the tag id for tag events.
  aggregate_id uuid not null,
  event_type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);

-- Rows the relay could not turn into a valid event (a bug, since appends are validated): moved
-- here with the reason instead of blocking every row behind them.
create table outbox_dead_letters (
  id bigint primary key,
  workspace_id uuid not null,
  aggregate_id uuid not null,
  event_type text not null,
  payload jsonb not null,
  reason text not null,
  created_at timestamptz not null,
  dead_at timestamptz not null default now()
);

-- Down Migration
drop table outbox_dead_letters;
drop table outbox;
drop table contacts;
drop table api_keys;
drop table workspaces;
