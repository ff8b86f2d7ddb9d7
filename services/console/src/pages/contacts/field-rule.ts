// Which input an API problem blames: the rule it gives for a field path (body.set.tier), so the
// input shows it under itself besides ProblemView's list.
import type { Problem } from '../../api/problem';

/** The rule the problem gives for `field` exactly, or for a path under it when `nested`; undefined when none. */
export function fieldRule(problem: Problem | null, field: string, nested = false): string | undefined {
  return problem?.errors.find((e) => e.field === field || (nested && e.field.startsWith(`${field}.`)))?.rule;
}
