-- Up Migration

-- Saved segments: a condition tree, stored with tag ids (so a renamed tag shows its new name) and
-- references to other saved segments by id. Evaluated live; never a member list.
create table segments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  description text,
  condition jsonb not null,
  -- Saved segments this one refers to, kept in a column so deletes and cycles are cheap to check.
  references_segments uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name),
  unique (workspace_id, id)
);
create index segments_references on segments using gin (references_segments);

-- Down Migration
drop table segments;
