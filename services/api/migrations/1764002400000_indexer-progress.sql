-- Up Migration

-- How far each indexer has got, per consumer group, topic and partition, so the api can say how
-- fresh the search index is (consistency/mirror-freshness.ts) without asking Kafka. The owning
-- indexer rewrites its partitions' rows about once a second (indexer-progress.ts), idle or not:
-- updated_at is also its sign of life, and a row nobody rewrites any more is a stopped indexer.
create table indexer_progress (
  consumer_group text not null,
  topic text not null,
  partition int not null,
  -- The group member that wrote the row last (its Kafka member id).
  owner text not null,
  -- The last offset indexed or dead-lettered (-1: none yet); null while the owner has seen no batch.
  processed_offset bigint,
  -- The partition's high watermark in the last batch fetched: behind while processed_offset + 1 < it.
  high_watermark bigint,
  -- occurredAt (the outbox row's insert time) of the event at processed_offset.
  last_event_at timestamptz,
  -- occurredAt of the oldest event fetched and not yet processed; null when caught up.
  oldest_pending_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (consumer_group, topic, partition)
);

-- Down Migration
drop table indexer_progress;
