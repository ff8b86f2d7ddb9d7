-- Up Migration

-- Every answer served from the index says how fresh it is (consistency/mirror-freshness.ts), which
-- counts the workspace's backlog in the outbox. Without this index that is a scan of the whole
-- backlog: 200 ms per answer at a 200k-row backlog (an import), against 5 ms with it. It costs
-- writers about a tenth more per outbox insert (1,000-row inserts: 85 against 75 ms at the median).
create index outbox_workspace_created on outbox (workspace_id, created_at);

-- Down Migration
drop index outbox_workspace_created;
