// The segment language people type, and back:
//   label:tier IN [gold, silver] AND tag:"Hot Lead" AND label:churned NOT EXISTS AND created > now-30d
// parseSegment(text) -> Condition (or a SegmentSyntaxError with line, column and what was
// expected); printSegment(tree) -> text such that parsing it gives the same tree back (property-
// tested). Tags are written by name and custom fields without their type: the caller passes how
// to resolve both (the workspace's tags and custom field definitions). Fields are read by their
// language name (first_name) or their JSON name (firstName); the printer writes the language name.
// Grammar and every operator: docs/segment-language.md.
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES } from '../domain/contact-domain';
import type { Condition, CustomCondition, DateCondition, LeafCondition } from './condition-model';
import { NUMBER_FIELDS, statusRule, TEXT_FIELDS } from './condition-model';

export class SegmentSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly expected: string[],
    readonly found: string,
    /** Said instead of "expected ..., found ..." when there is something more useful to say. */
    problem?: string,
  ) {
    super(`line ${line}, column ${column}: ${problem ?? `expected ${expected.join(' or ')}, found ${found}`}`);
    this.name = 'SegmentSyntaxError';
  }
}

/** Profile fields by their language name (printed), with the JSON spelling the API answers with. */
type ProfileField =
  | { name: (typeof TEXT_FIELDS)[number]; kind: 'text' }
  | { name: (typeof NUMBER_FIELDS)[number]; kind: 'number' }
  | { name: string; kind: 'date'; field: DateCondition['field'] }
  | { name: string; kind: 'status'; channel: 'email' | 'phone' };
const PROFILE_FIELDS: readonly ProfileField[] = [
  ...TEXT_FIELDS.map((name) => ({ name, kind: 'text' as const })),
  ...NUMBER_FIELDS.map((name) => ({ name, kind: 'number' as const })),
  { name: 'created', kind: 'date', field: 'created_at' },
  { name: 'updated', kind: 'date', field: 'updated_at' },
  { name: 'consent', kind: 'date', field: 'consent_at' },
  { name: 'email_status', kind: 'status', channel: 'email' },
  { name: 'phone_status', kind: 'status', channel: 'phone' },
];
/** The name a field has in the model and the JSON: created_at for the language's created. */
const modelName = (f: ProfileField) => (f.kind === 'date' ? f.field : f.name);

/** snake_case to the JSON's camelCase: first_name -> firstName. */
const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every spelling a field is read by: the language name in any case (as keywords), and exactly as
 * the JSON writes it (firstName, createdAt, emailStatus; the date fields' JSON and model names
 * created_at too). Exact JSON case, so `firstname` is a typo to point out, not a third spelling.
 */
const FIELD_SPELLINGS: ReadonlyMap<string, ProfileField> = new Map(
  PROFILE_FIELDS.flatMap((f) => [...new Set([f.name, modelName(f), camelCase(modelName(f))])].map((spelling) => [spelling, f] as const)),
);
/** The JSON nests the address: address.city, address.postalCode. */
const ADDRESS_FIELDS = new Set(['city', 'region', 'postal_code', 'country']);
/** The prefixes that start a condition (tag:VIP). */
const PREFIXES = ['tag', 'label', 'custom', 'segment', 'sendable', 'engagement', 'subscription'] as const;
/** The JSON's names for what a prefix reads, pointed at the prefix when typed as a field. */
const PREFIX_OF_JSON_NAME: Record<string, (typeof PREFIXES)[number]> = { tagIds: 'tag', tags: 'tag', labels: 'label', customFields: 'custom', subscriptionCategories: 'subscription' };

function lookUpField(word: string): ProfileField | undefined {
  return FIELD_SPELLINGS.get(word) ?? (FIELD_SPELLINGS.get(word.toLowerCase())?.name === word.toLowerCase() ? FIELD_SPELLINGS.get(word.toLowerCase()) : undefined);
}

/** Levenshtein distance, two rows (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest of `candidates` (spelled as printed) to a word typed, if it is close enough to be a typo. */
function closestName(typed: string, candidates: { compare: string; print: string }[]): string | undefined {
  const word = typed.toLowerCase();
  // Names are at most 64 characters: a longer word is no typo of one, and measuring it against
  // every candidate would cost its length times theirs.
  if (word.length > 66) return undefined;
  // A third of the word, 1 to 2 edits: `firstname` finds first_name, `zodiac` finds nothing.
  const allowed = Math.max(1, Math.min(2, Math.floor(word.length / 3)));
  let best: { print: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(word, c.compare.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { print: c.print, distance };
  }
  return best?.print;
}

export interface SegmentTextContext {
  /** Custom field key -> declared type; a key not here is an error. */
  customFieldTypes?: ReadonlyMap<string, CustomCondition['type']>;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TokenType = 'word' | 'string' | 'number' | 'date' | 'op' | 'eof';
interface Token {
  type: TokenType;
  text: string;
  /** For strings, the unescaped value. */
  value: string;
  line: number;
  column: number;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r' };

const PUNCTUATION = ['!=', '>=', '<=', '=', '>', '<', '(', ')', '[', ']', ',', ':', '.'];

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const start = at();
    if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length || source[j] === '\n') throw new SegmentSyntaxError(start.line, start.column, ['a closing "'], 'the end of the line');
        if (source[j] === '\\' && ESCAPES[source[j + 1]!] !== undefined) {
          value += ESCAPES[source[j + 1]!];
          j += 2;
          continue;
        }
        if (source[j] === '"') break;
        value += source[j];
        j += 1;
      }
      tokens.push({ type: 'string', text: source.slice(i, j + 1), value, ...start });
      i = j + 1;
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(?![\w-])/.exec(source.slice(i));
    if (date) {
      tokens.push({ type: 'date', text: date[0], value: date[0], ...start });
      i += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.-])/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'number', text: number[0], value: number[0], ...start });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_][A-Za-z0-9_-]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ type: 'word', text: word[0], value: word[0], ...start });
      i += word[0].length;
      continue;
    }
    const punctuation = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punctuation) {
      tokens.push({ type: 'op', text: punctuation, value: punctuation, ...start });
      i += punctuation.length;
      continue;
    }
    throw new SegmentSyntaxError(start.line, start.column, ['a condition, a value or an operator'], JSON.stringify(ch));
  }
  tokens.push({ type: 'eof', text: '', value: '', ...at() });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent; keywords are case-insensitive)

const describe = (t: Token) => (t.type === 'eof' ? 'the end of the text' : t.type === 'string' ? `the text ${t.text}` : `"${t.text}"`);

/** Parentheses and NOTs deeper than this are refused before they can exhaust the stack. */
const MAX_TEXT_NESTING = 32;

class Parser {
  private pos = 0;
  private nesting = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly context: SegmentTextContext,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.pos += 1;
    return t;
  }
  private fail(expected: string[], token = this.peek()): never {
    throw new SegmentSyntaxError(token.line, token.column, expected, describe(token));
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'word' && t.text.toUpperCase() === word;
  }
  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail([word]);
    this.next();
  }
  private acceptKeyword(...words: string[]): boolean {
    if (!words.every((w, k) => this.isKeyword(w, k))) return false;
    this.pos += words.length;
    return true;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === op;
  }
  private op(op: string): void {
    if (!this.isOp(op)) this.fail([`"${op}"`]);
    this.next();
  }

  parse(): Condition {
    const tree = this.orExpr();
    if (this.peek().type !== 'eof') this.fail(['AND', 'OR', 'the end of the text']);
    return tree;
  }

  private orExpr(): Condition {
    const items = [this.andExpr()];
    while (this.acceptKeyword('OR')) items.push(this.andExpr());
    return items.length === 1 ? items[0]! : { kind: 'or', conditions: items };
  }

  private andExpr(): Condition {
    const items = [this.unary()];
    while (this.acceptKeyword('AND')) items.push(this.unary());
    return items.length === 1 ? items[0]! : { kind: 'and', conditions: items };
  }

  private unary(): Condition {
    if (this.isKeyword('NOT') || this.isOp('(')) {
      if (++this.nesting > MAX_TEXT_NESTING) this.fail([`at most ${MAX_TEXT_NESTING} nested NOTs and parentheses`]);
      try {
        if (this.acceptKeyword('NOT')) return { kind: 'not', condition: this.unary() };
        this.next();
        const inner = this.orExpr();
        this.op(')');
        return inner;
      } finally {
        this.nesting -= 1;
      }
    }
    return this.atom();
  }

  /** A value: a word, a number, a date or a quoted string, as text. */
  private text(what: string): string {
    const t = this.peek();
    if (t.type === 'word' || t.type === 'string' || t.type === 'number' || t.type === 'date') {
      this.next();
      return t.value;
    }
    return this.fail([what]);
  }
  private number(): number {
    const t = this.peek();
    if (t.type !== 'number') this.fail(['a number']);
    this.next();
    return Number(t.value);
  }
  private date(): string {
    const t = this.peek();
    if (t.type !== 'date') this.fail(['a date like 2026-11-24']);
    this.next();
    return t.value;
  }

  /** N DAYS, N WEEKS (7 days each) or N MONTHS (calendar months). */
  private span(): { days: number } | { months: number } {
    const n = this.number();
    if (!Number.isInteger(n) || n < 0) this.fail(['a whole number'], this.tokens[this.pos - 1]);
    if (this.acceptKeyword('DAYS')) return { days: n };
    if (this.acceptKeyword('WEEKS')) return { days: n * 7 };
    if (this.acceptKeyword('MONTHS')) return { months: n };
    return this.fail(['DAYS', 'WEEKS', 'MONTHS']);
  }
  private list<T>(item: () => T): T[] {
    this.op('[');
    const items = [item()];
    while (this.isOp(',')) {
      this.next();
      items.push(item());
    }
    if (!this.isOp(']')) this.fail(['","', '"]"']);
    this.next();
    return items;
  }

  private atom(): LeafCondition {
    const t = this.peek();
    if (t.type !== 'word') this.fail(['a condition (tag:, label:, a field, NOT or "(")']);
    const name = t.text.toLowerCase();
    if ((PREFIXES as readonly string[]).includes(name) && this.peek(1).type === 'op' && this.peek(1).text === ':') {
      this.next();
      this.op(':');
      if (name === 'tag') return this.tag();
      if (name === 'subscription') {
        const { op, values } = this.listOrOne('a subscription category');
        return { kind: 'subscription', op, categories: values };
      }
      if (name === 'label') return this.label();
      if (name === 'custom') return this.custom();
      if (name === 'sendable') {
        const channel = this.text('email or phone').toLowerCase();
        if (channel !== 'email' && channel !== 'phone') this.fail(['email', 'phone'], this.tokens[this.pos - 1]);
        return { kind: 'sendable', channel };
      }
      if (name === 'engagement') return this.engagement();
      const id = this.text('a segment id');
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) this.fail(['a segment id (UUID)'], this.tokens[this.pos - 1]);
      return { kind: 'segment', segmentId: id.toLowerCase() };
    }
    const field = this.profileField();
    if (field) {
      switch (field.kind) {
        case 'status':
          return this.status(field.channel);
        case 'date':
          return this.dateCondition(field.field);
        case 'text':
          return this.textCondition(field.name);
        case 'number':
          return this.numberCondition(field.name);
      }
    }
    const suggestion = closestName(t.text, [
      ...[...FIELD_SPELLINGS].map(([spelling, f]) => ({ compare: spelling, print: f.name })),
      ...PREFIXES.map((p) => ({ compare: p, print: `${p}:` })),
      ...Object.entries(PREFIX_OF_JSON_NAME).map(([name, p]) => ({ compare: name, print: `${p}:` })),
      ...[...(this.context.customFieldTypes?.keys() ?? [])].map((key) => ({ compare: key, print: `custom:${key}` })),
    ]);
    const expected = ['a condition (tag:, label:, custom:, engagement:, sendable:, subscription:, segment:, a profile field, a status or a date)'];
    if (suggestion) throw new SegmentSyntaxError(t.line, t.column, expected, describe(t), `unknown field ${t.text}; did you mean ${suggestion}?`);
    return this.fail(expected);
  }

  /** A profile field by either spelling (consumed), or undefined (nothing consumed). */
  private profileField(): ProfileField | undefined {
    const t = this.peek();
    if (t.text === 'address' && this.peek(1).type === 'op' && this.peek(1).text === '.' && this.peek(2).type === 'word') {
      const inner = lookUpField(this.peek(2).text);
      if (!inner || !ADDRESS_FIELDS.has(inner.name)) return undefined;
      this.pos += 3;
      return inner;
    }
    const field = lookUpField(t.text);
    if (field) this.next();
    return field;
  }

  /** `NAME` (has) or `ANY|ALL|NONE [names]`: tags and subscription categories. */
  private listOrOne(what: string): { op: 'has' | 'any' | 'all' | 'none'; values: string[] } {
    for (const [word, op] of [['ANY', 'any'], ['ALL', 'all'], ['NONE', 'none']] as const) {
      if (this.isKeyword(word) && this.peek(1).type === 'op' && this.peek(1).text === '[') {
        this.next();
        return { op, values: this.list(() => this.text(what)) };
      }
    }
    return { op: 'has', values: [this.text(what)] };
  }

  private tag(): LeafCondition {
    const { op, values } = this.listOrOne('a tag name');
    return { kind: 'tag', op, tags: values };
  }

  private label(): LeafCondition {
    const key = this.text('a label key');
    if (this.isOp('=') || this.isOp('!=')) {
      const op = this.next().text === '=' ? 'eq' : 'neq';
      return { kind: 'label', key, op, values: [this.text('a label value')] };
    }
    if (this.acceptKeyword('IN')) return { kind: 'label', key, op: 'in', values: this.list(() => this.text('a label value')) };
    if (this.acceptKeyword('NOT', 'IN')) return { kind: 'label', key, op: 'not_in', values: this.list(() => this.text('a label value')) };
    if (this.acceptKeyword('EXISTS')) return { kind: 'label', key, op: 'exists', values: [] };
    if (this.acceptKeyword('NOT', 'EXISTS')) return { kind: 'label', key, op: 'not_exists', values: [] };
    if (this.acceptKeyword('PREFIX')) return { kind: 'label', key, op: 'prefix', values: [this.text('a label value prefix')] };
    return this.fail(['=', '!=', 'IN', 'NOT IN', 'EXISTS', 'NOT EXISTS', 'PREFIX']);
  }

  /** Shared by profile text fields and string custom fields. */
  private textOperator(): { op: 'eq' | 'neq' | 'in' | 'contains' | 'starts_with' | 'empty' | 'not_empty'; values: string[] } {
    if (this.isOp('=') || this.isOp('!=')) return { op: this.next().text === '=' ? 'eq' : 'neq', values: [this.text('a value')] };
    if (this.acceptKeyword('IN')) return { op: 'in', values: this.list(() => this.text('a value')) };
    if (this.acceptKeyword('CONTAINS')) return { op: 'contains', values: [this.text('a value')] };
    if (this.acceptKeyword('STARTS', 'WITH')) return { op: 'starts_with', values: [this.text('a value')] };
    if (this.acceptKeyword('IS', 'EMPTY')) return { op: 'empty', values: [] };
    if (this.acceptKeyword('IS', 'NOT', 'EMPTY')) return { op: 'not_empty', values: [] };
    return this.fail(['=', '!=', 'IN', 'CONTAINS', 'STARTS WITH', 'IS EMPTY', 'IS NOT EMPTY']);
  }

  private textCondition(field: (typeof TEXT_FIELDS)[number]): LeafCondition {
    return { kind: 'text', field, ...this.textOperator() };
  }

  private numberOperator(): { op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'empty' | 'not_empty'; values: number[] } {
    const ops: Record<string, 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'> = { '=': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
    const t = this.peek();
    if (t.type === 'op' && t.text in ops) {
      this.next();
      return { op: ops[t.text]!, values: [this.number()] };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.number();
      this.keyword('AND');
      return { op: 'between', values: [low, this.number()] };
    }
    if (this.acceptKeyword('IS', 'EMPTY')) return { op: 'empty', values: [] };
    if (this.acceptKeyword('IS', 'NOT', 'EMPTY')) return { op: 'not_empty', values: [] };
    return this.fail(['=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'IS EMPTY', 'IS NOT EMPTY']);
  }

  private numberCondition(field: (typeof NUMBER_FIELDS)[number]): LeafCondition {
    return { kind: 'number', field, ...this.numberOperator() };
  }

  /** Date operators, absolute or relative; `now-30d` / `now-4w` read as in the last / more than N days ago. */
  private dateOperator(): { op: DateCondition['op']; dates?: string[]; days?: number; months?: number } {
    const relative = () => {
      const t = this.peek();
      const match = t.type === 'word' ? /^now-(\d+)([dw])$/i.exec(t.text) : null;
      if (!match) return undefined;
      this.next();
      return Number(match[1]) * (match[2]!.toLowerCase() === 'w' ? 7 : 1);
    };
    // Only > and <: "after" and "before" a day exclude that day, which >= and <= would not mean.
    if (this.isOp('>')) {
      this.next();
      const days = relative();
      return days !== undefined ? { op: 'in_last_days', days } : { op: 'after', dates: [this.date()] };
    }
    if (this.isOp('<')) {
      this.next();
      const days = relative();
      return days !== undefined ? { op: 'more_than_days_ago', days } : { op: 'before', dates: [this.date()] };
    }
    if (this.isOp('=')) {
      this.next();
      return { op: 'on', dates: [this.date()] };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const from = this.date();
      this.keyword('AND');
      return { op: 'between', dates: [from, this.date()] };
    }
    if (this.acceptKeyword('IN', 'LAST')) return { op: 'in_last_days', ...this.span() };
    if (this.acceptKeyword('IN', 'NEXT')) return { op: 'in_next_days', ...this.span() };
    if (this.acceptKeyword('MORE', 'THAN')) {
      const span = this.span();
      this.keyword('AGO');
      return { op: 'more_than_days_ago', ...span };
    }
    if (this.acceptKeyword('IS', 'EMPTY')) return { op: 'empty' };
    if (this.acceptKeyword('IS', 'NOT', 'EMPTY')) return { op: 'not_empty' };
    return this.fail(['>', '<', '=', 'BETWEEN', 'IN LAST', 'IN NEXT', 'MORE THAN', 'IS EMPTY', 'IS NOT EMPTY']);
  }

  private dateCondition(field: DateCondition['field']): LeafCondition {
    return { kind: 'date', field, ...this.dateOperator() };
  }

  private status(channel: 'email' | 'phone'): LeafCondition {
    /** A status of this channel, named where it is typed: `email_status must be one of active, ...`. */
    const status = () => {
      const t = this.peek();
      const value = this.text('a status');
      const rule = statusRule(channel, value);
      if (rule) throw new SegmentSyntaxError(t.line, t.column, [rule], describe(t), `${channel}_status ${rule}, found ${describe(t)}`);
      return value;
    };
    if (this.isOp('=') || this.isOp('!=')) {
      const op = this.next().text === '=' ? 'in' : 'not_in';
      return { kind: 'status', channel, op, statuses: [status()] };
    }
    if (this.acceptKeyword('IN')) return { kind: 'status', channel, op: 'in', statuses: this.list(status) };
    if (this.acceptKeyword('NOT', 'IN')) return { kind: 'status', channel, op: 'not_in', statuses: this.list(status) };
    return this.fail(['=', '!=', 'IN', 'NOT IN']);
  }

  private custom(): LeafCondition {
    const keyToken = this.peek();
    const key = this.text('a custom field key');
    const type = this.context.customFieldTypes?.get(key);
    if (!type) {
      const suggestion = closestName(key, [...(this.context.customFieldTypes?.keys() ?? [])].map((k) => ({ compare: k, print: k })));
      const problem = suggestion ? `unknown custom field ${key}; did you mean ${suggestion}?` : undefined;
      throw new SegmentSyntaxError(keyToken.line, keyToken.column, ['a custom field defined in this workspace'], `"${key}"`, problem);
    }
    if (type === 'string') {
      const { op, values } = this.textOperator();
      return { kind: 'custom', key, type, op, values };
    }
    if (type === 'number') {
      const { op, values } = this.numberOperator();
      return { kind: 'custom', key, type, op, values };
    }
    if (type === 'date') {
      const { op, dates, days, months } = this.dateOperator();
      return { kind: 'custom', key, type, op, values: dates ?? [], ...(days !== undefined ? { days } : {}), ...(months !== undefined ? { months } : {}) };
    }
    if (this.acceptKeyword('IS', 'TRUE')) return { kind: 'custom', key, type, op: 'is_true', values: [] };
    if (this.acceptKeyword('IS', 'FALSE')) return { kind: 'custom', key, type, op: 'is_false', values: [] };
    if (this.acceptKeyword('IS', 'EMPTY')) return { kind: 'custom', key, type, op: 'empty', values: [] };
    if (this.acceptKeyword('IS', 'NOT', 'EMPTY')) return { kind: 'custom', key, type, op: 'not_empty', values: [] };
    return this.fail(['IS TRUE', 'IS FALSE', 'IS EMPTY', 'IS NOT EMPTY']);
  }

  /** One of a closed vocabulary (channels, activity statuses), named where it is typed. */
  private oneOf(what: string, allowed: readonly string[]): string {
    const t = this.peek();
    const value = this.text(`${what} (${allowed.join(', ')})`).toLowerCase();
    if (!allowed.includes(value)) throw new SegmentSyntaxError(t.line, t.column, allowed.slice(), describe(t), `${what} must be one of ${allowed.join(', ')}, found ${describe(t)}`);
    return value;
  }

  /** engagement:email.opened >= 2 IN LAST 7 DAYS (">= K" optional, meaning at least once; DAYS, WEEKS or MONTHS as dates). */
  private engagement(): LeafCondition {
    const channel = this.oneOf('an engagement channel', ACTIVITY_CHANNELS);
    this.op('.');
    const status = this.oneOf('an activity status', ACTIVITY_STATUSES);
    let atLeast = 1;
    if (this.isOp('>=')) {
      this.next();
      atLeast = this.number();
    }
    this.keyword('IN');
    this.keyword('LAST');
    return { kind: 'engagement', channel, status, atLeast, ...this.span() } as LeafCondition;
  }
}

export function parseSegment(text: string, context: SegmentTextContext = {}): Condition {
  return new Parser(lex(text), context).parse();
}

// ---------------------------------------------------------------------------------------------
// Printer

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'EXISTS', 'PREFIX', 'CONTAINS', 'STARTS', 'WITH', 'IS', 'EMPTY', 'BETWEEN', 'LAST', 'NEXT', 'DAYS', 'WEEKS', 'MONTHS', 'MORE', 'THAN', 'AGO', 'ANY', 'ALL', 'NONE', 'TRUE', 'FALSE']);

/** A value as a bare word when it would read back as the same word, else quoted. */
export function quote(value: string): string {
  const bare = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value) && !KEYWORDS.has(value.toUpperCase()) && !/^now-\d+[dw]$/i.test(value);
  return bare ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

const list = (values: (string | number)[]) => `[${values.map((v) => (typeof v === 'number' ? String(v) : quote(v))).join(', ')}]`;
const num = (n: number) => String(n);
const FIELD_OF_DATE: Record<string, string> = { created_at: 'created', updated_at: 'updated', consent_at: 'consent' };

function textOperator(op: string, values: (string | number)[]): string {
  switch (op) {
    case 'eq':
      return `= ${quote(String(values[0]))}`;
    case 'neq':
      return `!= ${quote(String(values[0]))}`;
    case 'in':
      return `IN ${list(values.map(String))}`;
    case 'contains':
      return `CONTAINS ${quote(String(values[0]))}`;
    case 'starts_with':
      return `STARTS WITH ${quote(String(values[0]))}`;
    case 'empty':
      return 'IS EMPTY';
    default:
      return 'IS NOT EMPTY';
  }
}

function numberOperator(op: string, values: number[]): string {
  const symbols: Record<string, string> = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };
  if (op in symbols) return `${symbols[op]} ${num(values[0]!)}`;
  if (op === 'between') return `BETWEEN ${num(values[0]!)} AND ${num(values[1]!)}`;
  return op === 'empty' ? 'IS EMPTY' : 'IS NOT EMPTY';
}

function dateOperator(op: string, dates: string[], days: number | undefined, months?: number): string {
  const span = months !== undefined ? `${months} MONTHS` : `${days} DAYS`;
  switch (op) {
    case 'before':
      return `< ${dates[0]}`;
    case 'after':
      return `> ${dates[0]}`;
    case 'on':
      return `= ${dates[0]}`;
    case 'between':
      return `BETWEEN ${dates[0]} AND ${dates[1]}`;
    case 'in_last_days':
      return `IN LAST ${span}`;
    case 'in_next_days':
      return `IN NEXT ${span}`;
    case 'more_than_days_ago':
      return `MORE THAN ${span} AGO`;
    case 'empty':
      return 'IS EMPTY';
    default:
      return 'IS NOT EMPTY';
  }
}

function printLeaf(c: LeafCondition, tagName: (id: string) => string): string {
  switch (c.kind) {
    case 'tag':
      return c.op === 'has' ? `tag:${quote(tagName(c.tags[0]!))}` : `tag:${c.op.toUpperCase()} ${list(c.tags.map(tagName))}`;
    case 'label': {
      const rest: Record<string, () => string> = {
        eq: () => `= ${quote(c.values[0]!)}`,
        neq: () => `!= ${quote(c.values[0]!)}`,
        in: () => `IN ${list(c.values)}`,
        not_in: () => `NOT IN ${list(c.values)}`,
        exists: () => 'EXISTS',
        not_exists: () => 'NOT EXISTS',
        prefix: () => `PREFIX ${quote(c.values[0]!)}`,
      };
      return `label:${quote(c.key)} ${rest[c.op]!()}`;
    }
    case 'text':
      return `${c.field} ${textOperator(c.op, c.values)}`;
    case 'number':
      return `${c.field} ${numberOperator(c.op, c.values)}`;
    case 'date':
      return `${FIELD_OF_DATE[c.field]} ${dateOperator(c.op, c.dates ?? [], c.days, c.months)}`;
    case 'status':
      return `${c.channel}_status ${c.op === 'in' ? 'IN' : 'NOT IN'} ${list(c.statuses)}`;
    case 'sendable':
      return `sendable:${c.channel}`;
    case 'custom': {
      const head = `custom:${c.key}`;
      if (c.type === 'string') return `${head} ${textOperator(c.op, c.values)}`;
      if (c.type === 'number') return `${head} ${numberOperator(c.op, c.values as number[])}`;
      if (c.type === 'date') return `${head} ${dateOperator(c.op, c.values as string[], c.days, c.months)}`;
      return `${head} ${{ is_true: 'IS TRUE', is_false: 'IS FALSE', empty: 'IS EMPTY', not_empty: 'IS NOT EMPTY' }[c.op as 'is_true']}`;
    }
    case 'engagement':
      return `engagement:${c.channel}.${c.status}${c.atLeast > 1 ? ` >= ${c.atLeast}` : ''} IN LAST ${c.months !== undefined ? `${c.months} MONTHS` : `${c.days} DAYS`}`;
    case 'subscription':
      return c.op === 'has' ? `subscription:${quote(c.categories[0]!)}` : `subscription:${c.op.toUpperCase()} ${list(c.categories)}`;
    case 'segment':
      return `segment:${quote(c.segmentId)}`;
  }
}

/**
 * Prints a tree so that parseSegment gives it back: AND binds tighter than OR, and groups are
 * parenthesised exactly where the tree nests them (an and inside an and keeps its parentheses).
 */
export function printSegment(tree: Condition, options: { tagName?: (id: string) => string } = {}): string {
  const tagName = options.tagName ?? ((id: string) => id);
  const print = (node: Condition, top: boolean): string => {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const inner = node.conditions.map((c) => print(c, false)).join(node.kind === 'and' ? ' AND ' : ' OR ');
        return top && node.conditions.length > 1 ? inner : `(${inner})`;
      }
      case 'not':
        return `NOT ${print(node.condition, false)}`;
      default:
        return printLeaf(node, tagName);
    }
  };
  return print(tree, true);
}
