// Condition trees in the form they are stored and compiled in: values as contact writes store
// them (normalizeConditionValues), groups of one condition unwrapped (normalizeCondition).
import { COUNTRY_RULE, normalizeCountry, normalizeEmail, normalizePhone, PHONE_RULE } from '../domain/contact-normalisers';
import type { Condition, TextCondition } from './condition-model';
import type { FieldProblem } from './condition-check';

/** Phone fragments lose the separators people type (`+33 6 12`): stored numbers hold none. */
const PHONE_SEPARATORS = /[\s().-]/g;

/**
 * Values as contact writes store them, so a condition compares like with like: emails trimmed and
 * lower-cased, phones in E.164, countries upper-cased, for =, != and IN. CONTAINS and STARTS WITH
 * already ignore case; a phone fragment cannot be put in E.164, so it only loses its separators.
 * `onProblem` hears of values no write could store (a phone that is no phone); without it, such
 * values stay as they are (trees stored before normalisation still compile, and match nothing).
 */
export function normalizeConditionValues(tree: Condition, path = 'condition', onProblem?: (problem: FieldProblem) => void): Condition {
  const visit = (node: Condition, at: string): Condition => {
    if (node.kind === 'and' || node.kind === 'or') return { kind: node.kind, conditions: node.conditions.map((c, i) => visit(c, `${at}.conditions.${i}`)) };
    if (node.kind === 'not') return { kind: 'not', condition: visit(node.condition, `${at}.condition`) };
    if (node.kind !== 'text') return node;
    return {
      ...node,
      values: node.values.map((v, i) => normalizeTextValue(node.field, node.op, v, (rule) => onProblem?.({ field: `${at}.values.${i}`, rule }))),
    };
  };
  return visit(tree, path);
}

function normalizeTextValue(field: TextCondition['field'], op: TextCondition['op'], value: string, refuse: (rule: string) => void): string {
  const exact = op === 'eq' || op === 'neq' || op === 'in';
  if (field === 'email') return exact ? normalizeEmail(value) || value : value;
  if (field === 'phone') {
    if (!exact) return value.replace(PHONE_SEPARATORS, '') || value;
    const e164 = normalizePhone(value);
    if (e164 === undefined) refuse(`phone ${PHONE_RULE} (found ${JSON.stringify(value)})`);
    return e164 ?? value;
  }
  if (field === 'country' && exact) {
    const code = normalizeCountry(value);
    if (code === undefined) refuse(`country ${COUNTRY_RULE} (found ${JSON.stringify(value)})`);
    return code ?? value;
  }
  // Other fields are stored as typed.
  return value;
}

/**
 * The canonical form of a tree: a group of one condition is that condition, and values are
 * normalised as writes store them (normalizeConditionValues; a value no write could store is kept
 * as it is). Trees are stored and compiled in this form, and it is the form the text syntax
 * round-trips (a parenthesised single condition reads back as the condition).
 */
export function normalizeCondition(tree: Condition): Condition {
  const flatten = (node: Condition): Condition => {
    if (node.kind === 'and' || node.kind === 'or') {
      const conditions = node.conditions.map(flatten);
      return conditions.length === 1 ? conditions[0]! : { kind: node.kind, conditions };
    }
    if (node.kind === 'not') return { kind: 'not', condition: flatten(node.condition) };
    return node;
  };
  return flatten(normalizeConditionValues(tree));
}
