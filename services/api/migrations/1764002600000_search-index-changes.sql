-- Up Migration

-- Which workspaces' documents changed in the search index, and when that change became searchable:
-- the api keeps counts in memory (segments/count-cache.ts) and serves one until its workspace's row
-- here moves. Whoever writes documents records the change after a refresh made it visible
-- (search-index-changes.ts): the indexer about once a second while it writes, and the rebuild and
-- reconcile jobs. Every api process polls the rows whose seq is past the last one it read.
create sequence search_index_change_seq;
create table search_index_changes (
  -- A workspace, or the nil uuid for "every workspace" (an index swapped under the alias).
  workspace_id uuid primary key,
  -- Taken from search_index_change_seq at every change: readers ask for seq > the last they saw.
  seq bigint not null,
  changed_at timestamptz not null default now()
);
create index search_index_changes_seq on search_index_changes (seq);

-- Down Migration
drop table search_index_changes;
drop sequence search_index_change_seq;
