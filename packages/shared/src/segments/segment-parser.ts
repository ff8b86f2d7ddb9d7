// The segment language's parser: tokens to a condition tree, by recursive descent (keywords are
// case-insensitive; AND binds tighter than OR). Operators are read as the operator table writes them.
// Tags are written by name and custom fields without their type: the caller passes how to resolve
// both. Fields are read by their language name (first_name) or their JSON name (firstName).
// Grammar and every operator: docs/segment-language.md.
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES } from '../domain/contact-domain';
import { isUuid } from '../domain/uuid';
import { assertNever } from '../lang/assert-never';
import type { Condition, CustomCondition, DateCondition, LeafCondition } from './condition-model';
import { NUMBER_FIELDS, TEXT_FIELDS } from './condition-model';
import { statusRule } from './condition-rules';
import { closestName } from './closest-name';
import { OPERATORS, SPAN_UNITS, spellingsOf, type FieldKind, type OperatorOf, type OperatorSpec } from './operator-table';
import { ADDRESS_FIELDS, FIELD_SPELLINGS, lookUpField, type ProfileField } from './segment-field-names';
import { lexSegment, type Token } from './segment-lexer';
import { SegmentSyntaxError } from './segment-syntax-error';

export interface SegmentTextContext {
  /** Custom field key -> declared type; a key not here is an error. */
  customFieldTypes?: ReadonlyMap<string, CustomCondition['type']>;
}

/** The kinds written with a prefix (tag:VIP); the others are profile fields (city = Paris). */
type PrefixKind = Exclude<LeafCondition['kind'], ProfileField['kind']>;

/**
 * How each prefix reads what follows its colon, in the order suggestions consider them. One entry
 * per leaf kind that is not a profile field: a new kind fails to compile here until it is read.
 */
const PREFIXED: { [K in PrefixKind]: (p: Parser) => Extract<LeafCondition, { kind: K }> } = {
  tag: (p) => p.tag(),
  label: (p) => p.label(),
  custom: (p) => p.custom(),
  segment: (p) => p.segment(),
  sendable: (p) => p.sendable(),
  engagement: (p) => p.engagement(),
  subscription: (p) => p.subscription(),
};
const PREFIXES = Object.keys(PREFIXED) as PrefixKind[];
/** The JSON's names for what a prefix reads, pointed at the prefix when typed as a field. */
const PREFIX_OF_JSON_NAME: Record<string, PrefixKind> = {
  tagIds: 'tag',
  tags: 'tag',
  labels: 'label',
  customFields: 'custom',
  subscriptionCategories: 'subscription',
};

/** A relative span: N days, or N calendar months. */
type Span = { days: number } | { months: number };

/** An operator as read, with its values (none for a span, which is held in days or months). */
interface Operation<K extends FieldKind, V> {
  op: OperatorOf<K>;
  values: V[];
  span?: Span;
}

const describe = (t: Token) => (t.type === 'eof' ? 'the end of the text' : t.type === 'string' ? `the text ${t.text}` : `"${t.text}"`);

/** Parentheses and NOTs deeper than this are refused before they can exhaust the stack. */
const MAX_TEXT_NESTING = 32;

/**
 * Where a node of the tree was written: offsets in the text (UTF-16 code units, as JavaScript
 * strings index, end exclusive, so `text.slice(start, end)` is the node's text) and the line and
 * column of its start, counted as syntax errors count them. A node written in parentheses spans
 * them (the outermost pair); a NOT spans its keyword and its operand.
 */
export interface TextSpan {
  start: number;
  end: number;
  line: number;
  column: number;
}

/**
 * The spans of a parsed tree, in its shape: `children` holds an and's or an or's conditions in
 * order, a not's one condition, nothing for a leaf. A side structure, so the tree itself (stored
 * and compared elsewhere) is the same with spans or without.
 */
export interface SpanTree {
  span: TextSpan;
  children: SpanTree[];
}

class Parser {
  private pos = 0;
  private nesting = 0;
  /** Each node's span, by the node (every node the parser makes is a new object). */
  readonly spans = new Map<Condition, TextSpan>();
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

  /** Records `node` as written from `first` to the last token read; a later call (its parentheses) widens it. */
  private spanned<T extends Condition>(first: Token, node: T): T {
    const last = this.tokens[this.pos - 1]!;
    this.spans.set(node, { start: first.offset, end: last.end, line: first.line, column: first.column });
    return node;
  }

  private orExpr(): Condition {
    const first = this.peek();
    const items = [this.andExpr()];
    while (this.acceptKeyword('OR')) items.push(this.andExpr());
    return items.length === 1 ? items[0]! : this.spanned(first, { kind: 'or', conditions: items });
  }

  private andExpr(): Condition {
    const first = this.peek();
    const items = [this.unary()];
    while (this.acceptKeyword('AND')) items.push(this.unary());
    return items.length === 1 ? items[0]! : this.spanned(first, { kind: 'and', conditions: items });
  }

  private unary(): Condition {
    const first = this.peek();
    if (this.isKeyword('NOT') || this.isOp('(')) {
      if (++this.nesting > MAX_TEXT_NESTING) this.fail([`at most ${MAX_TEXT_NESTING} nested NOTs and parentheses`]);
      try {
        if (this.acceptKeyword('NOT')) return this.spanned(first, { kind: 'not', condition: this.unary() });
        this.next();
        const inner = this.orExpr();
        this.op(')');
        return this.spanned(first, inner);
      } finally {
        this.nesting -= 1;
      }
    }
    return this.spanned(first, this.atom());
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

  /** Whether the next tokens spell `text` (keywords, or a symbol); consumed if so. */
  private accept(text: string): boolean {
    if (/^[A-Z ]+$/.test(text)) return this.acceptKeyword(...text.split(' '));
    if (!this.isOp(text)) return false;
    this.next();
    return true;
  }

  /** N DAYS, N WEEKS (7 days each) or N MONTHS (calendar months). */
  private span(): Span {
    const n = this.number();
    if (!Number.isInteger(n) || n < 0) this.fail(['a whole number'], this.tokens[this.pos - 1]);
    for (const [word, { unit, times }] of Object.entries(SPAN_UNITS)) {
      if (this.acceptKeyword(word)) return unit === 'days' ? { days: n * times } : { months: n * times };
    }
    return this.fail(Object.keys(SPAN_UNITS));
  }

  /** `now-30d` / `now-4w` (days), consumed, or undefined. */
  private fromNow(): number | undefined {
    const t = this.peek();
    const match = t.type === 'word' ? /^now-(\d+)([dw])$/i.exec(t.text) : null;
    if (!match) return undefined;
    this.next();
    return Number(match[1]) * (match[2]!.toLowerCase() === 'w' ? 7 : 1);
  }

  /**
   * One of a field kind's operators, as the operator table writes it, and what follows it; `value`
   * reads one value (in a list, a range or alone). None matching names them all, in the table's order.
   */
  private operator<K extends FieldKind, V = never>(kind: K, value?: (spec: OperatorSpec) => V): Operation<K, V> {
    const spellings = spellingsOf(kind);
    const spelling = spellings.find((s) => this.accept(s.text));
    if (!spelling) return this.fail(spellings.map((s) => s.text));
    const { op } = spelling;
    const spec: OperatorSpec = OPERATORS[op];
    const one = () => {
      if (!value) throw new Error(`${kind} operators take no value`);
      return value(spec);
    };
    switch (spelling.operand) {
      case 'none':
        return { op, values: [] };
      case 'one': {
        const days = spec.fromNow !== undefined ? this.fromNow() : undefined;
        return days !== undefined ? { op: spec.fromNow as OperatorOf<K>, values: [], span: { days } } : { op, values: [one()] };
      }
      case 'list':
        return { op, values: this.list(one) };
      case 'range': {
        const low = one();
        this.keyword('AND');
        return { op, values: [low, one()] };
      }
      case 'span': {
        const span = this.span();
        if (spec.suffix !== undefined) this.keyword(spec.suffix);
        return { op, values: [], span };
      }
      default:
        return assertNever(spelling.operand, 'operand');
    }
  }

  private atom(): LeafCondition {
    const t = this.peek();
    if (t.type !== 'word') this.fail(['a condition (tag:, label:, a field, NOT or "(")']);
    const name = t.text.toLowerCase();
    if (Object.hasOwn(PREFIXED, name) && this.peek(1).type === 'op' && this.peek(1).text === ':') {
      this.next();
      this.op(':');
      return PREFIXED[name as PrefixKind](this);
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
        default:
          return assertNever(field, 'field');
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
  private listOrOne(what: string): Operation<'membership', string> {
    for (const { op, text, operand } of spellingsOf('membership')) {
      if (operand === 'list' && this.isKeyword(text) && this.peek(1).type === 'op' && this.peek(1).text === '[') {
        this.next();
        return { op, values: this.list(() => this.text(what)) };
      }
    }
    return { op: 'has', values: [this.text(what)] };
  }

  tag(): Extract<LeafCondition, { kind: 'tag' }> {
    const { op, values } = this.listOrOne('a tag name');
    return { kind: 'tag', op, tags: values };
  }

  subscription(): Extract<LeafCondition, { kind: 'subscription' }> {
    const { op, values } = this.listOrOne('a subscription category');
    return { kind: 'subscription', op, categories: values };
  }

  label(): Extract<LeafCondition, { kind: 'label' }> {
    const key = this.text('a label key');
    const { op, values } = this.operator('label', (spec) => this.text(spec.valueName ?? 'a label value'));
    return { kind: 'label', key, op, values };
  }

  sendable(): Extract<LeafCondition, { kind: 'sendable' }> {
    const channel = this.text('email or phone').toLowerCase();
    if (channel !== 'email' && channel !== 'phone') this.fail(['email', 'phone'], this.tokens[this.pos - 1]);
    return { kind: 'sendable', channel };
  }

  segment(): Extract<LeafCondition, { kind: 'segment' }> {
    const id = this.text('a segment id');
    if (!isUuid(id)) this.fail(['a segment id (UUID)'], this.tokens[this.pos - 1]);
    return { kind: 'segment', segmentId: id.toLowerCase() };
  }

  /** Shared by profile text fields and string custom fields. */
  private textOperator(): Operation<'text', string> {
    return this.operator('text', () => this.text('a value'));
  }

  private textCondition(field: (typeof TEXT_FIELDS)[number]): LeafCondition {
    const { op, values } = this.textOperator();
    return { kind: 'text', field, op, values };
  }

  private numberOperator(): Operation<'number', number> {
    return this.operator('number', () => this.number());
  }

  private numberCondition(field: (typeof NUMBER_FIELDS)[number]): LeafCondition {
    const { op, values } = this.numberOperator();
    return { kind: 'number', field, op, values };
  }

  /** Date operators, absolute or relative; `now-30d` / `now-4w` read as in the last / more than N days ago. */
  private dateOperator(): Operation<'date', string> {
    return this.operator('date', () => this.date());
  }

  private dateCondition(field: DateCondition['field']): LeafCondition {
    const { op, values, span } = this.dateOperator();
    return { kind: 'date', field, op, ...(span ?? (OPERATORS[op].operand === 'none' ? {} : { dates: values })) };
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
    const { op, values } = this.operator('status', status);
    return { kind: 'status', channel, op, statuses: values };
  }

  custom(): Extract<LeafCondition, { kind: 'custom' }> {
    const keyToken = this.peek();
    const key = this.text('a custom field key');
    const type = this.context.customFieldTypes?.get(key);
    if (!type) {
      const suggestion = closestName(
        key,
        [...(this.context.customFieldTypes?.keys() ?? [])].map((k) => ({ compare: k, print: k })),
      );
      const problem = suggestion ? `unknown custom field ${key}; did you mean ${suggestion}?` : undefined;
      throw new SegmentSyntaxError(keyToken.line, keyToken.column, ['a custom field defined in this workspace'], `"${key}"`, problem);
    }
    const { op, values, span } = this.customOperator(type);
    return { kind: 'custom', key, type, op, values, ...span };
  }

  /** A custom field's operator, read as its type's field kind reads it. */
  private customOperator(type: CustomCondition['type']): Operation<FieldKind, string | number> & { op: CustomCondition['op'] } {
    switch (type) {
      case 'string':
        return this.textOperator();
      case 'number':
        return this.numberOperator();
      case 'date':
        return this.dateOperator();
      case 'boolean':
        return this.operator('boolean');
      default:
        return assertNever(type, 'custom field type');
    }
  }

  /** One of a closed vocabulary (channels, activity statuses), named where it is typed. */
  private oneOf(what: string, allowed: readonly string[]): string {
    const t = this.peek();
    const value = this.text(`${what} (${allowed.join(', ')})`).toLowerCase();
    if (!allowed.includes(value))
      throw new SegmentSyntaxError(t.line, t.column, allowed.slice(), describe(t), `${what} must be one of ${allowed.join(', ')}, found ${describe(t)}`);
    return value;
  }

  /** engagement:email.opened >= 2 IN LAST 7 DAYS (">= K" optional, meaning at least once; DAYS, WEEKS or MONTHS as dates). */
  engagement(): Extract<LeafCondition, { kind: 'engagement' }> {
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
    return { kind: 'engagement', channel, status, atLeast, ...this.span() } as Extract<LeafCondition, { kind: 'engagement' }>;
  }
}

export function parseSegment(text: string, context: SegmentTextContext = {}): Condition {
  return new Parser(lexSegment(text), context).parse();
}

/**
 * The tree parseSegment gives (the same, node for node) and where each node was written, so a
 * client can show something (a count) beside the text each node came from.
 */
export function parseSegmentWithSpans(text: string, context: SegmentTextContext = {}): { tree: Condition; spans: SpanTree } {
  const parser = new Parser(lexSegment(text), context);
  const tree = parser.parse();
  // Recursion is bounded by the text's nesting (at most MAX_TEXT_NESTING NOTs and parentheses).
  const spanTree = (node: Condition): SpanTree => ({
    span: parser.spans.get(node)!,
    children: node.kind === 'and' || node.kind === 'or' ? node.conditions.map(spanTree) : node.kind === 'not' ? [spanTree(node.condition)] : [],
  });
  return { tree, spans: spanTree(tree) };
}
