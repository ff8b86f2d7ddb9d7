-- Up Migration

-- The full contact profile. Columns the segment engine filters on are typed columns; the
-- per-workspace custom fields are jsonb checked against custom_field_definitions by the service.
alter table contacts
  add column street text,
  add column city text,
  add column region text,
  add column postal_code text,
  add column country text,
  add column timezone text,
  add column language text,
  add column subscription_categories text[] not null default '{}',
  add column source text not null default 'api',
  add column consent_at timestamptz,
  add column custom_fields jsonb not null default '{}',
  add column email_status text not null default 'active'
    check (email_status in ('active', 'unsubscribed', 'spam_report', 'blacklisted', 'unconfirmed')),
  add column phone_status text not null default 'active'
    check (phone_status in ('active', 'blacklisted')),
  add column email_rating smallint check (email_rating between 0 and 100),
  add column deleted_at timestamptz,
  add column deleted_reason text;

-- Rows that hang off a contact or a tag reference it with their workspace id too, so the database
-- itself refuses a tag of one workspace on a contact of another.
alter table contacts add constraint contacts_workspace_id_key unique (workspace_id, id);

-- A soft-deleted contact keeps its row (restorable) but frees its email for a new contact.
drop index contacts_workspace_email;
create unique index contacts_workspace_email on contacts (workspace_id, email) where email is not null and deleted_at is null;
create index contacts_workspace_deleted on contacts (workspace_id, deleted_at, id) where deleted_at is not null;
create index contacts_workspace_updated on contacts (workspace_id, updated_at, id);
-- Keyset pagination by rating needs a total order: unrated contacts sort as -1.
create index contacts_workspace_rating on contacts (workspace_id, (coalesce(email_rating, -1)), id);

-- Every channel status change, with when and why.
create table contact_status_changes (
  id bigserial primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  channel text not null check (channel in ('email', 'phone')),
  status text not null,
  reason text,
  changed_at timestamptz not null default now()
);
create index contact_status_changes_contact on contact_status_changes (contact_id, changed_at desc);

create table custom_field_definitions (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  type text not null check (type in ('string', 'number', 'date', 'boolean')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- Tags are referenced by id everywhere (contacts, saved segments), so a rename is one row.
create table tags (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  protected boolean not null default false,
  created_at timestamptz not null default now(),
  unique (workspace_id, name),
  unique (workspace_id, id)
);

create table contact_tags (
  workspace_id uuid not null,
  contact_id uuid not null,
  tag_id uuid not null,
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, tag_id) references tags (workspace_id, id) on delete cascade,
  added_at timestamptz not null default now(),
  primary key (contact_id, tag_id)
);
create index contact_tags_tag on contact_tags (tag_id, contact_id);

create table contact_labels (
  workspace_id uuid not null,
  contact_id uuid not null,
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  -- Postgres regular expressions cap repetition counts at 255, so lengths are checked apart.
  key text not null check (key ~ '^[A-Za-z0-9_-]+$' and length(key) <= 64),
  value text not null check (value ~ '^[A-Za-z0-9_-]+$' and length(value) <= 256),
  primary key (contact_id, key)
);
create index contact_labels_workspace_key on contact_labels (workspace_id, key, value);

-- Engagement events, newest first per contact.
create table activities (
  id bigserial primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  channel text not null check (channel in ('email', 'sms', 'whatsapp', 'push', 'web')),
  message_name text,
  language text,
  status text not null check (status in ('delivered', 'opened', 'clicked', 'undelivered', 'unsubscribed')),
  occurred_at timestamptz not null
);
create index activities_contact on activities (contact_id, occurred_at desc, id desc);

-- Idempotency-Key: the first answer to a key is stored and replayed for a retry of the same
-- request; the same key with another request is a conflict.
create table idempotency_keys (
  workspace_id uuid not null,
  key text not null,
  request_hash bytea not null,
  status int not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- Down Migration
drop table idempotency_keys;
drop table activities;
drop table contact_labels;
drop table contact_tags;
drop table tags;
drop table custom_field_definitions;
drop table contact_status_changes;
drop index contacts_workspace_rating;
drop index contacts_workspace_updated;
drop index contacts_workspace_deleted;
drop index contacts_workspace_email;
create unique index contacts_workspace_email on contacts (workspace_id, email) where email is not null;
alter table contacts drop constraint contacts_workspace_id_key;
alter table contacts
  drop column street, drop column city, drop column region, drop column postal_code, drop column country,
  drop column timezone, drop column language, drop column subscription_categories, drop column source,
  drop column consent_at, drop column custom_fields, drop column email_status, drop column phone_status,
  drop column email_rating, drop column deleted_at, drop column deleted_reason;
