// Which of two channel statuses is stricter, and which statuses suppress: the one rule behind a
// create on a suppressed address, an import that names a status, an activity and a merge.
import { STATUS_STRICTNESS, StatusChannel, SUPPRESSING_STATUSES } from '@segmenter/shared';

/** The status's place in its channel's order (0 = active); an unknown status counts as the strictest, so it is never overridden. */
export function strictnessOf(channel: StatusChannel, status: string): number {
  const index = (STATUS_STRICTNESS[channel] as readonly string[]).indexOf(status);
  return index === -1 ? STATUS_STRICTNESS[channel].length : index;
}

/** The stricter of two statuses of one channel (the first when they are equal). */
export function stricterStatus<S extends string>(channel: StatusChannel, a: S, b: S): S {
  return strictnessOf(channel, b) > strictnessOf(channel, a) ? b : a;
}

export function isSuppressing(channel: StatusChannel, status: string): boolean {
  return (SUPPRESSING_STATUSES[channel] as readonly string[]).includes(status);
}

/** The statuses a change to `status` may replace when only a stricter status may win (activities). */
export function lessStrictThan(channel: StatusChannel, status: string): string[] {
  return STATUS_STRICTNESS[channel].filter((s) => strictnessOf(channel, s) < strictnessOf(channel, status));
}
