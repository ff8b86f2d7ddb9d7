-- Up Migration

-- Long work (tag deletion now; imports and bulk actions later) runs as a job: a row with its
-- progress, processed in chunks by the api's job runner. Each chunk commits on its own and is
-- idempotent, so a crash resumes where the last chunk committed.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  type text not null,
  params jsonb not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  total integer,
  done integer not null default 0,
  error text,
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_runnable on jobs (created_at) where status in ('queued', 'running');
create index jobs_workspace on jobs (workspace_id, created_at desc);

-- Down Migration
drop table jobs;
