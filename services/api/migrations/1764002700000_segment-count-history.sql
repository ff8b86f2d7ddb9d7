-- Up Migration

-- The count of every saved segment, recorded at a fixed interval (SEGMENT_HISTORY_INTERVAL_MS,
-- hourly by default) by segments/segment-history.ts: GET /v1/segments/:id/history reads the
-- series, and the segment list shows each one's change over the last 7 days.
create table segment_count_history (
  segment_id uuid not null references segments (id) on delete cascade,
  workspace_id uuid not null,
  recorded_at timestamptz not null,
  total bigint not null,
  sendable_email bigint not null,
  sendable_phone bigint not null,
  primary key (segment_id, recorded_at)
);

-- One row per interval that was recorded: the api process that inserts it records that interval,
-- so several api processes record each interval once.
create table segment_history_runs (
  recorded_at timestamptz primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  segments int
);

-- Down Migration
drop table segment_history_runs;
drop table segment_count_history;
