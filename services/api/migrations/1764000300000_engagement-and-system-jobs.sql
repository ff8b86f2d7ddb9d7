-- Up Migration

-- Per contact, per `channel.status`, the ten most recent activity times, newest first:
-- {"email.opened": ["2026-11-20T10:00:00Z", ...]}. Kept by the activity writer in the same
-- transaction as the activities, so the contact's snapshot (and its index document) can answer
-- "opened an email at least K times in the last N days" for K up to 10 without reading activities.
alter table contacts add column engagement jsonb not null default '{}';

-- System jobs (search index rebuild and reconcile) belong to no workspace; results (a reconcile's
-- report) are kept with the job.
alter table jobs alter column workspace_id drop not null;
alter table jobs add column result jsonb;
create index activities_contact_channel_status on activities (contact_id, channel, status, occurred_at desc);

-- Consistency tokens for writes that touch more contacts than fit in a token: the versions the
-- write produced, kept for a day.
create table write_receipts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_ids uuid[] not null,
  versions bigint[] not null,
  created_at timestamptz not null default now()
);
create index write_receipts_created on write_receipts (created_at);

-- Down Migration
drop table write_receipts;
drop index activities_contact_channel_status;
alter table jobs drop column result;
delete from jobs where workspace_id is null;
alter table jobs alter column workspace_id set not null;
alter table contacts drop column engagement;
