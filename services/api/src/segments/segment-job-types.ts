// The job types of the segments feature, in a module of their own: snapshots and bulk actions
// refer to each other's jobs (an action freezes its members in a snapshot), and constants read
// while a module loads must not sit on one side of an import cycle.
export const SNAPSHOT_JOB = 'audience.snapshot';
export const SEGMENT_ACTION_JOB = 'segment.action';
