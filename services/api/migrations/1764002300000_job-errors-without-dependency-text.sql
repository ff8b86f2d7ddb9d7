-- Up Migration

-- Failed jobs used to keep the raw message of whatever failed them: Elasticsearch's, Postgres's or
-- Kafka's own text, shown to the tenant at /v1/jobs and on snapshots. The job runner now stores our
-- words and an error id (errors/internal-failure.ts); errors stored before it are replaced the
-- same way, except the two texts the code wrote itself. The raw text was logged when the job
-- failed ("job chunk failed", with this jobId), so nothing is lost that the logs do not hold.
update jobs
   set error = 'the job stopped after 5 failed attempts in a row because of an internal error (recorded before error ids: the api logged the cause as "job chunk failed" with this job''s id)'
 where status = 'failed'
   and error is not null
   and error not like 'no handler for job type %'
   and error not like 'the members could not be frozen (snapshot %';

-- Down Migration
-- The replaced texts are not kept (keeping them would defeat the purpose); nothing to undo.
select 1;
