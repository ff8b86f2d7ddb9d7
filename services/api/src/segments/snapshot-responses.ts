// Answers of the audience snapshot endpoints (segments/snapshots-routes.ts and the snapshot
// creations of segments-routes.ts): a snapshot, a page of them and a page of its members.
import { z } from 'zod';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';
import { jobRef } from '../jobs/job-responses';

const SnapshotStatus = z.enum(['building', 'ready', 'failed']);
export const SnapshotStarted = answer({ snapshot: answer({ id: uuid, status: SnapshotStatus }), job: jobRef });
export const Snapshot = answer({
  id: uuid,
  segmentId: uuid.nullable(),
  status: SnapshotStatus,
  total: z.number().int().nullable(),
  createdAt: timestamp,
  readyAt: timestamp.nullable(),
  /** After it the snapshot is gone (404): SNAPSHOT_TTL_HOURS after its creation. */
  expiresAt: timestamp,
  error: z.string().optional(),
});
export const SnapshotPage = pageOf(Snapshot);
export const SnapshotMembers = answer({ snapshotId: uuid, total: z.number().int().nullable(), contactIds: z.array(uuid), nextCursor: z.string().nullable() });
