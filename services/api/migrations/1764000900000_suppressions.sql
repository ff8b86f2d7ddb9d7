-- Up Migration

-- SMS STOP replies: the phone channel's opted-out status. Spam complaints arrive as activities.
alter table contacts drop constraint contacts_phone_status_check;
alter table contacts add constraint contacts_phone_status_check check (phone_status in ('active', 'opted_out', 'blacklisted'));
alter table activities drop constraint activities_status_check;
alter table activities add constraint activities_status_check
  check (status in ('delivered', 'opened', 'clicked', 'undelivered', 'unsubscribed', 'spam_report'));

-- Who deleted a contact (the API key), shown with the reason in the Deleted view.
alter table contacts add column deleted_by text;

-- One secret per workspace keying the HMAC of suppressed addresses. Per workspace, so the same
-- address hashes differently in two workspaces (no linking a person across tenants); random and
-- kept apart from the hashes, so a leaked list cannot be reversed with a precomputed table.
-- Two v4 UUIDs give 244 bits from Postgres's strong random source (no pgcrypto needed).
create table suppression_keys (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  key bytea not null default (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);

-- The suppression list: per workspace and channel, addresses that must not be messaged, kept
-- when their contact is deleted (with the address) or erased (the hash only: address is null).
create table suppressions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  channel text not null check (channel in ('email', 'phone')),
  address_hash bytea not null,
  address text,
  status text not null check (
    (channel = 'email' and status in ('unsubscribed', 'spam_report', 'blacklisted'))
    or (channel = 'phone' and status in ('opted_out', 'blacklisted'))),
  reason text,
  contact_id uuid,
  suppressed_at timestamptz not null default now(),
  erased_at timestamptz,
  unique (workspace_id, channel, address_hash),
  check (address is null or erased_at is null)
);
-- Keyset paging of the list, newest first, optionally by channel.
create index suppressions_workspace_page on suppressions (workspace_id, suppressed_at desc, id desc);

-- Down Migration
drop table suppressions;
drop table suppression_keys;
alter table contacts drop column deleted_by;
update activities set status = 'unsubscribed' where status = 'spam_report';
alter table activities drop constraint activities_status_check;
alter table activities add constraint activities_status_check check (status in ('delivered', 'opened', 'clicked', 'undelivered', 'unsubscribed'));
update contacts set phone_status = 'blacklisted' where phone_status = 'opted_out';
alter table contacts drop constraint contacts_phone_status_check;
alter table contacts add constraint contacts_phone_status_check check (phone_status in ('active', 'blacklisted'));
