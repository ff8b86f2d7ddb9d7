// The last case of every switch over a closed union: `default: return assertNever(x)`.
// Adding a member to the union then fails to compile wherever a switch does not handle it.

/** Unreachable when the switch is exhaustive; at run time (a value from outside the types) it throws. */
export function assertNever(value: never, what = 'case'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
