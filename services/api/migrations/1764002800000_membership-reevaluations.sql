-- Up Migration

-- One row per scheduled re-evaluation of segment membership (services/indexer/src/membership/
-- time-reevaluation.ts): the clock moves contacts across relative dates and engagement windows
-- with no write, and each run publishes the transitions between the previous run's instant and
-- its own. The indexer process that inserts the row runs it; one left unfinished past its lease
-- (the process died) is taken over, and its transitions are published again under the same keys.
create table membership_reevaluations (
  evaluated_at timestamptz primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  segments int,
  events bigint
);

-- Down Migration
drop table membership_reevaluations;
