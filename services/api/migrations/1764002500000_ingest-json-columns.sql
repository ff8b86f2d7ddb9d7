-- Up Migration

-- Data that is written once as text and read back once as text is kept as json (the text, checked
-- on the way in) rather than jsonb, whose binary form costs a conversion each way and buys nothing
-- here: no query looks inside these values.
--
-- Staged import rows: COPYed in by the upload, read back by the job that takes the row (the cells
-- only for the few rows the write refuses). As jsonb, the conversions cost Postgres more than the
-- COPY itself.
alter table import_rows
  alter column write type json using write::json,
  alter column cells type json using cells::json;

-- Outbox payloads: built by the writer (json_build_object for set-wise writes), read by the relay
-- and published as they are. jsonb cost the writer a binary build and the relay a serialisation
-- of every event back to text.
alter table outbox alter column payload type json using payload::json;

-- Down Migration
alter table outbox alter column payload type jsonb using payload::jsonb;
alter table import_rows
  alter column write type jsonb using write::jsonb,
  alter column cells type jsonb using cells::jsonb;
