-- Up Migration

-- CSV imports. The upload is parsed and validated as it streams in, and every valid row is
-- COPYed into import_rows as the contact write it becomes; a job then writes the staged rows
-- set-wise in chunks, each chunk committing its contacts, its cursor and its counts together, so
-- a restart resumes after the last committed chunk and never writes a row twice.
create table imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  status text not null default 'awaiting_file'
    check (status in ('awaiting_file', 'uploading', 'processing', 'indexing', 'succeeded', 'failed', 'cancelled')),
  file_name text,
  options jsonb not null,
  headers text[],
  mapping jsonb,
  job_id uuid references jobs (id) on delete set null,
  upload_done boolean not null default false,
  upload_heartbeat_at timestamptz,
  bytes_total bigint,
  bytes_read bigint not null default 0,
  rows_read integer not null default 0,
  rows_staged integer not null default 0,
  -- Staged rows are spread over this many partitions by match value, written side by side; the
  -- rows of one contact share a partition, so they are still written in file order.
  partitions smallint not null default 2 check (partitions between 1 and 16),
  processed integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  unchanged integer not null default 0,
  skipped integer not null default 0,
  rejected integer not null default 0,
  indexed integer not null default 0,
  written integer not null default 0,
  error text,
  -- Why the upload broke (bad CSV past the header, the client gone): the rows read before it are
  -- still written, then the import ends failed with this reason.
  upload_error text,
  created_at timestamptz not null default now(),
  -- When every row was written and the import began to follow the index (it waits a bounded time).
  indexing_since timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index imports_workspace on imports (workspace_id, created_at desc);

-- Staged rows: unlogged, because they are a copy of the uploaded file that lives only while the
-- import runs (a database crash empties the table; the import then fails naming the lost rows).
-- A row is deleted in the transaction that writes it: what is left is what is left to do.
create unlogged table import_rows (
  import_id uuid not null,
  partition smallint not null,
  row_number integer not null,
  match_value text,
  write jsonb not null,
  -- The row's cells as uploaded, for the rejected-rows file should the write refuse it.
  cells jsonb not null,
  primary key (import_id, partition, row_number)
);

-- Every refused row, with its cells (for the rejected-rows file) and what was wrong.
create table import_rejections (
  import_id uuid not null references imports (id) on delete cascade,
  row_number integer not null,
  cells text[] not null,
  problems jsonb not null,
  primary key (import_id, row_number)
);

-- What each chunk wrote (contact ids and versions), until the index shows them: the import's
-- "indexed" count, and its end, come from here.
create unlogged table import_written (
  import_id uuid not null,
  seq integer not null,
  contact_ids uuid[] not null,
  versions bigint[] not null,
  primary key (import_id, seq)
);

-- With onMatch 'skip', contacts this import created: a later row for one of them merges into it
-- instead of being skipped as a contact that existed before.
create unlogged table import_created_contacts (
  import_id uuid not null,
  contact_id uuid not null,
  primary key (import_id, contact_id)
);

-- A job that has nothing to do yet (an import waiting for its upload or for the index) rests
-- until run_after instead of holding the job runner: other jobs go on meanwhile.
alter table jobs add column run_after timestamptz;

-- Down Migration
alter table jobs drop column run_after;
drop table import_created_contacts;
drop table import_written;
drop table import_rejections;
drop table import_rows;
drop table imports;
