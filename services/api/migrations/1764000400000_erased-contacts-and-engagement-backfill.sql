-- Up Migration

-- Erasure deletes the contact's row; what remains is this: ids and the tombstone's version, no
-- personal data. A rebuilt index gets its tombstones from here (so an older event replayed after
-- a rebuild cannot resurrect an erased contact), and reconcile tells an erased contact's
-- tombstone from a document that should not exist.
create table erased_contacts (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid primary key,
  version bigint not null check (version > 0),
  erased_at timestamptz not null default now()
);
create index erased_contacts_workspace on erased_contacts (workspace_id, contact_id);

-- Engagement summaries for activities stored before contacts.engagement existed. The version is
-- not bumped (no event is emitted here): after upgrading, run a reconcile with repair (or a
-- rebuild) so existing documents gain their engagement; docs/operations.md says so.
update contacts c set engagement = s.engagement
  from (
    select a.contact_id, jsonb_object_agg(a.channel || '.' || a.status, a.times) as engagement
      from (select contact_id, channel, status,
                   (array_agg(to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') order by occurred_at desc, id desc))[1:10] as times
              from activities group by contact_id, channel, status) a
     group by a.contact_id) s
 where c.id = s.contact_id and c.engagement = '{}'::jsonb;

-- The job runner takes turns: the job whose last chunk is oldest goes next.
create index jobs_runnable_turns on jobs (updated_at, created_at) where status in ('queued', 'running');

-- Down Migration
drop index jobs_runnable_turns;
drop table erased_contacts;
