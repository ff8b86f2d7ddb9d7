-- Up Migration

-- A saved segment that lost something it names (a tag or a custom field deleted with force) is
-- marked broken rather than silently matching no one: counting, streaming or freezing it answers
-- 409 naming what is missing, until its condition is edited. `broken` holds the reason and the
-- missing things with their names (so the segment still prints the name, never a raw id).
alter table segments add column broken jsonb;

-- Custom field definitions being renamed or deleted by a job: while a job holds one, contacts
-- may still carry the old key, so new writes and saved segments cannot use it.
alter table custom_field_definitions add column pending_change text check (pending_change in ('rename', 'delete'));

-- Down Migration
alter table custom_field_definitions drop column pending_change;
alter table segments drop column broken;
