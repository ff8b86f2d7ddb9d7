// The segment language in the browser: the shared parser and printer (packages/shared), bundled
// as they are, so the console reads and writes the one grammar the API does (docs/segment-language.md).
// Only pure modules are imported (zod and tables, no Node API); the API stays the judge of a count.
import type { Condition, CustomCondition, LeafCondition } from '../../../../../packages/shared/src/segments/condition-model';
import { DATE_FIELDS, NUMBER_FIELDS, TEXT_FIELDS } from '../../../../../packages/shared/src/segments/condition-model';
import { FIELD_KINDS, OPERATORS, type Operator, SPAN_UNITS, spellingsOf } from '../../../../../packages/shared/src/segments/operator-table';
import { DATE_FIELD_NAMES } from '../../../../../packages/shared/src/segments/segment-field-names';
import { parseSegment } from '../../../../../packages/shared/src/segments/segment-parser';
import { printSegment, quote } from '../../../../../packages/shared/src/segments/segment-printer';
import { assertNever } from '../../../../../packages/shared/src/lang/assert-never';
import { SegmentSyntaxError } from '../../../../../packages/shared/src/segments/segment-syntax-error';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES, EMAIL_STATUSES, PHONE_STATUSES } from '../../../../../packages/shared/src/domain/contact-domain';

export type { Condition, CustomCondition, LeafCondition, Operator };
export { ACTIVITY_CHANNELS, ACTIVITY_STATUSES, DATE_FIELD_NAMES, DATE_FIELDS, EMAIL_STATUSES, FIELD_KINDS, NUMBER_FIELDS, OPERATORS, PHONE_STATUSES };
export { assertNever, printSegment, quote, SPAN_UNITS, spellingsOf, TEXT_FIELDS };

export type CustomFieldTypes = ReadonlyMap<string, CustomCondition['type']>;

/** The text's tree, or where and why it does not parse (as the API would answer it). */
export function parseSegmentText(text: string, customFieldTypes: CustomFieldTypes): { tree: Condition } | { error: SegmentSyntaxError } {
  try {
    return { tree: parseSegment(text, { customFieldTypes }) };
  } catch (err) {
    if (err instanceof SegmentSyntaxError) return { error: err };
    throw err;
  }
}
