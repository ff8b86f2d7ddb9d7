-- Up Migration

-- Audience snapshots: a segment's members frozen at one moment (a campaign's send time), stored
-- compactly as arrays of up to 10,000 contact ids per row, in contact id order.
create table audience_snapshots (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  segment_id uuid,
  condition jsonb not null,
  status text not null default 'building' check (status in ('building', 'ready', 'failed')),
  total integer not null default 0,
  created_at timestamptz not null default now(),
  ready_at timestamptz
);
create index audience_snapshots_workspace on audience_snapshots (workspace_id, created_at desc);

create table audience_snapshot_chunks (
  snapshot_id uuid not null references audience_snapshots (id) on delete cascade,
  chunk integer not null,
  contact_ids uuid[] not null,
  primary key (snapshot_id, chunk)
);

-- Down Migration
drop table audience_snapshot_chunks;
drop table audience_snapshots;
