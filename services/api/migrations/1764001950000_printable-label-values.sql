-- Label values become any printable text up to 256 characters (issue 11, point 9): `/promo`,
-- `200+`, `2024-01-15`. Keys keep the strict alphabet, so the index's `key=value` terms stay
-- unambiguous. The check is the backstop of LabelValue in packages/shared (length, no C0, DEL or
-- C1 control characters); Postgres text cannot hold lone surrogates, and blanks at the edges
-- (Unicode white space, as JavaScript trims it) are refused by the schema alone.

-- Up Migration
alter table contact_labels drop constraint contact_labels_value_check;
alter table contact_labels add constraint contact_labels_value_check
  check (length(value) between 1 and 256 and value !~ '[\x01-\x1f\x7f-\x9f]');

-- Down Migration
-- Values outside the old alphabet would violate the old check: they are refused, not rewritten.
alter table contact_labels drop constraint contact_labels_value_check;
alter table contact_labels add constraint contact_labels_value_check
  check (value ~ '^[A-Za-z0-9_-]+$' and length(value) <= 256);
