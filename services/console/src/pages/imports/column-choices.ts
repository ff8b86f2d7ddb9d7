// The column mapping as the mapping table edits it: the API's guess for each header (from the
// preview), the person's choice, and the `columns` overrides an import is created with. Pure.
import type { ColumnMapping } from './imports-source';

type Target = ColumnMapping['target'];

/** One column of the file: `choice` is `field:<column>`, `label` (with `labelKey`), `custom:<key>` or `skip`. */
export interface ColumnChoice {
  index: number;
  header: string;
  guess: Target;
  choice: string;
  labelKey: string;
}

export function choiceOf(mapping: ColumnMapping): ColumnChoice {
  const { target } = mapping;
  const base = { index: mapping.index, header: mapping.header, guess: target, labelKey: '' };
  switch (target.kind) {
    case 'field':
      return { ...base, choice: `field:${target.column}` };
    case 'label':
      return { ...base, choice: 'label', labelKey: target.key };
    case 'custom':
      return { ...base, choice: `custom:${target.key}` };
    case 'ignored':
      return { ...base, choice: 'skip' };
    default:
      return assertNever(target);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected column target ${JSON.stringify(value)}`);
}

/** The override the API reads for a choice (import options `columns`): a target name, or null to skip. */
function overrideOf(choice: string, labelKey: string): string | null {
  if (choice === 'skip') return null;
  if (choice === 'label') return `label:${labelKey.trim()}`;
  if (choice.startsWith('field:')) return choice.slice('field:'.length);
  return choice; // custom:<key>
}

/** How a guess reads on screen: `email`, `label "tier"`, `custom field "plan"`, or `skipped (unknown column)`. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'field':
      return target.column;
    case 'label':
      return `label "${target.key}"`;
    case 'custom':
      return `custom field "${target.key}"`;
    case 'ignored':
      return `skipped (${target.reason})`;
    default:
      return assertNever(target);
  }
}

/**
 * The overrides for an import: every column whose choice differs from the API's guess, and every
 * column the preview named in a problem (its choice is what the person settled on).
 */
export function overridesOf(choices: readonly ColumnChoice[], problemFields: ReadonlySet<string>): Record<string, string | null> {
  const overrides: Record<string, string | null> = {};
  for (const c of choices) {
    const chosen = overrideOf(c.choice, c.labelKey);
    const guessed = overrideOf(choiceOf({ index: c.index, header: c.header, target: c.guess }).choice, c.guess.kind === 'label' ? c.guess.key : '');
    const named = problemFields.has(`header.${c.index + 1}`) || problemFields.has(`columns.${c.header}`);
    if (chosen !== guessed || named) overrides[c.header] = chosen;
  }
  return overrides;
}
