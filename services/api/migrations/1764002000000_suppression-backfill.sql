-- Up Migration

-- Contacts deleted before the suppression list existed still hold their unsubscribes, spam
-- reports and blacklistings; a contact created again with their address must get them back.
-- The list keys addresses by a per-workspace HMAC computed by the api, so the backfill is a job
-- per workspace (progress at /v1/jobs), queued here and run by the api's job runner in chunks.
-- (Contacts erased before then kept no address: there is nothing to put on the list.)
insert into jobs (workspace_id, type, params, total)
select workspace_id, 'suppressions.backfill', '{"after": null}'::jsonb, count(*)
  from contacts
 where deleted_at is not null
   and (email_status in ('unsubscribed', 'spam_report', 'blacklisted') or phone_status in ('opted_out', 'blacklisted'))
 group by workspace_id;

-- Down Migration
delete from jobs where type = 'suppressions.backfill';
