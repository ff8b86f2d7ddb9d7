// What the segment editor offers as you type: after `tag:` the workspace's tag names, after
// `label:` its label keys and after `label:<key> =` (or IN [...) that key's values, after
// `custom:` its custom fields, after a status field its statuses; elsewhere the language's
// keywords, operators, fields and prefixes, all read from the shared operator table.
import { type Completion, type CompletionContext, type CompletionResult, insertCompletionText, startCompletion } from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import {
  ACTIVITY_CHANNELS,
  ACTIVITY_STATUSES,
  DATE_FIELD_NAMES,
  EMAIL_STATUSES,
  FIELD_KINDS,
  NUMBER_FIELDS,
  OPERATORS,
  PHONE_STATUSES,
  quote,
  SPAN_UNITS,
  TEXT_FIELDS,
} from './segment-language';

export interface CompletionNames {
  tags: readonly string[];
  labelKeys: readonly string[];
  customFields: readonly string[];
  labelValues: (key: string) => Promise<string[]>;
}

/** A value being typed: a quoted string not closed yet, or a bare word (possibly empty). */
const VALUE = String.raw`("(?:[^"\\\n]|\\.)*|[\w-]*)`;
/** The values of a list already typed: `[a, "b c", ` (anything but the closing bracket). */
const LIST_HEAD = String.raw`\[(?:[^\]]*,)?\s*`;

const TAG_VALUE = new RegExp(String.raw`tag:(?:(?:ANY|ALL|NONE)\s*${LIST_HEAD})?${VALUE}$`, 'i');
const LABEL_VALUE = new RegExp(String.raw`label:("(?:[^"\\\n]|\\.)*"|[\w-]+)\s*(?:=|!=|\bPREFIX\s|\b(?:NOT\s+)?IN\s*${LIST_HEAD})\s*${VALUE}$`, 'i');
const LABEL_KEY = new RegExp(String.raw`label:${VALUE}$`, 'i');
const CUSTOM_KEY = /custom:([\w-]*)$/i;
const SENDABLE = /sendable:(\w*)$/i;
const ENGAGEMENT_CHANNEL = /engagement:(\w*)$/i;
const ENGAGEMENT_STATUS = /engagement:\w+\.(\w*)$/i;
const STATUS_VALUE = new RegExp(String.raw`\b(email|phone)_status\s*(?:=|!=|\b(?:NOT\s+)?IN\s*${LIST_HEAD})\s*${VALUE}$`, 'i');
const WORD = /[\w-]*$/;

const unquote = (text: string) => (text.startsWith('"') ? text.slice(1, text.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, '$1') : text);

/** Accepting a prefix (`tag:`) opens the next list at once (the tags), as typing it would. */
function applyAndContinue(text: string) {
  return (view: EditorView, _completion: Completion, from: number, to: number) => {
    view.dispatch(insertCompletionText(view.state, text, from, to));
    startCompletion(view);
  };
}

const values = (names: readonly string[], type: string, detail?: string): Completion[] =>
  names.map((name) => ({ label: name, apply: quote(name), type, detail }));

/** The language's own words: groups, operators as the table writes them, span units, fields and prefixes. */
function languageWords(customFields: readonly string[]): Completion[] {
  const operators = new Set<string>();
  for (const kind of Object.values(FIELD_KINDS)) for (const op of kind.operators) if (OPERATORS[op].text) operators.add(OPERATORS[op].text);
  const words: Completion[] = [
    ...['AND', 'OR', 'NOT'].map((label) => ({ label, type: 'keyword', boost: 2 })),
    ...[...operators].map((label) => ({ label, type: /^[A-Z ]+$/.test(label) ? 'keyword' : 'operator', detail: 'operator' })),
    ...[...Object.keys(SPAN_UNITS), 'AGO'].map((label) => ({ label, type: 'keyword' })),
    ...TEXT_FIELDS.map((label) => ({ label, type: 'property', detail: 'text field' })),
    ...NUMBER_FIELDS.map((label) => ({ label, type: 'property', detail: 'number field' })),
    ...Object.values(DATE_FIELD_NAMES).map((label) => ({ label, type: 'property', detail: 'date field' })),
    { label: 'email_status', type: 'property', detail: 'channel status' },
    { label: 'phone_status', type: 'property', detail: 'channel status' },
    ...['tag', 'label', 'custom', 'sendable', 'engagement', 'subscription', 'segment'].map((prefix) => ({
      label: `${prefix}:`,
      type: 'namespace',
      apply: applyAndContinue(`${prefix}:`),
    })),
    ...customFields.map((key) => ({ label: `custom:${key}`, type: 'property', detail: 'custom field' })),
  ];
  return words;
}

/** The completion source: `names` is read when asked, so the lists loaded later are offered. */
export function segmentCompletions(names: () => CompletionNames) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    const before = context.state.sliceDoc(Math.max(0, context.pos - 2000), context.pos);
    const at = (typed: string) => context.pos - typed.length;
    const { tags, labelKeys, customFields, labelValues } = names();

    let m = TAG_VALUE.exec(before);
    if (m) return { from: at(m[1]!), options: values(tags, 'constant', 'tag'), validFor: /^"?[^"\]]*$/ };
    m = LABEL_VALUE.exec(before);
    if (m) {
      const key = unquote(m[1]!);
      const found = await labelValues(key).catch(() => []);
      if (context.aborted) return null;
      return { from: at(m[2]!), options: values(found, 'constant', `value of ${key}`), validFor: /^"?[^"\]]*$/ };
    }
    m = LABEL_KEY.exec(before);
    if (m) return { from: at(m[1]!), options: values(labelKeys, 'variable', 'label key'), validFor: /^"?[\w-]*$/ };
    m = CUSTOM_KEY.exec(before);
    if (m) return { from: at(m[1]!), options: customFields.map((label) => ({ label, type: 'variable', detail: 'custom field' })), validFor: /^[\w-]*$/ };
    m = SENDABLE.exec(before);
    if (m) return { from: at(m[1]!), options: ['email', 'phone'].map((label) => ({ label, type: 'constant' })) };
    m = ENGAGEMENT_STATUS.exec(before);
    if (m) return { from: at(m[1]!), options: ACTIVITY_STATUSES.map((label) => ({ label, type: 'constant' })) };
    m = ENGAGEMENT_CHANNEL.exec(before);
    if (m) return { from: at(m[1]!), options: ACTIVITY_CHANNELS.map((label) => ({ label, type: 'constant', apply: applyAndContinue(`${label}.`) })) };
    m = STATUS_VALUE.exec(before);
    if (m) {
      const statuses = m[1]!.toLowerCase() === 'email' ? EMAIL_STATUSES : PHONE_STATUSES;
      return { from: at(m[2]!), options: statuses.map((label) => ({ label, type: 'constant', detail: `${m![1]!.toLowerCase()} status` })) };
    }
    const word = WORD.exec(before)![0];
    // Nothing typed yet: offer only when asked (Ctrl-Space), not after every space.
    if (!word && !context.explicit) return null;
    return { from: at(word), options: languageWords(customFields), validFor: /^[\w-]*$/ };
  };
}
