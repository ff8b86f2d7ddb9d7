// The one rule for text people read back (tag names, label values, profile text): every character
// must be one a person can see or type, so two values that look equal are equal (docs/contacts.md).
import { z } from 'zod';

/**
 * What is refused, by Unicode general category, with the rule each answers:
 * - Cc, control characters (C0, DEL, C1): they print as nothing or move the cursor in UIs, CSV
 *   cells and log lines.
 * - Cf, format characters: bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width
 *   characters (U+200B-U+200F, U+2060), the byte order mark (U+FEFF), the soft hyphen (U+00AD)...
 *   They are invisible, so `VIP` and `V\u200bIP` would be two tags no one can tell apart, and a
 *   bidi override makes text read differently from what it holds. Three uses are part of how
 *   text is written, and pass (WRITTEN_SEQUENCES): the joiners (U+200C, U+200D) between letters
 *   of scripts that need them (Persian `حسین‌زاده`, Sinhala `ශ්‍රී`, Devanagari conjuncts), the
 *   zero-width joiner inside an emoji sequence (👨‍👩‍👧), and the tag characters of a
 *   subdivision flag (🏴 + tags, Scotland's and Wales's flags). Latin, Greek and Cyrillic never
 *   join with them, so `VIP` and `VI‌P` still cannot be two tags.
 * - Cs, a UTF-16 surrogate without its pair: not a character, and not valid UTF-8, so Postgres
 *   and Elasticsearch would store every lone surrogate as the same U+FFFD.
 * - U+FFFD, the replacement character: the body parser puts it where a request's bytes were not
 *   valid UTF-8 (a surrogate encoded as bytes, a Latin-1 file), so what the client meant is lost,
 *   and two different byte sequences would become one name.
 * The `u` flag makes a paired surrogate one code point (an emoji), so only lone halves match Cs.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\uFFFD]/u;

/** A letter or mark of a script that joins with U+200C/U+200D (not Latin, Greek or Cyrillic). */
const JOINING_LETTER = String.raw`(?:(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}])`;
const EMOJI_PART = String.raw`[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]`;
/** The format characters that are part of written text in these places (see above). */
const WRITTEN_SEQUENCES = new RegExp(
  [
    String.raw`(?<=${JOINING_LETTER})[\u200C\u200D](?=${JOINING_LETTER})`,
    String.raw`(?<=${EMOJI_PART})\u200D(?=\p{Extended_Pictographic})`,
    String.raw`(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}`,
    // Text or emoji presentation of a character that has both (❤️ is U+2764 U+FE0F).
    String.raw`(?<=\p{Emoji})[\uFE0E\uFE0F]`,
  ].join('|'),
  'gu',
);

export const INVISIBLE_TEXT_RULES = {
  control: 'must not contain control characters',
  format: 'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
  surrogate: 'must not contain a lone UTF-16 surrogate',
  replacement: 'must not contain U+FFFD, which stands for bytes that were not valid UTF-8',
} as const;

export interface VisibleTextOptions {
  /**
   * Multi-line fields (a street address: "1 Main St\nFlat 2") keep their line breaks, LF and CR:
   * a line break is seen, as a new line. Every other control character is still refused.
   */
  lineBreaks?: boolean;
}

/** The rule the first invisible character of `text` breaks, or undefined when all of it is visible. */
export function invisibleTextProblem(text: string, options: VisibleTextOptions = {}): string | undefined {
  // Most text holds no invisible character at all: then there is no written sequence to allow either.
  if (!INVISIBLE.test(text)) return undefined;
  const written = text.replace(WRITTEN_SEQUENCES, '');
  const found = INVISIBLE.exec(options.lineBreaks ? written.replace(/[\r\n]/g, ' ') : written);
  if (!found) return undefined;
  const char = found[0];
  if (/\p{Cc}/u.test(char)) return INVISIBLE_TEXT_RULES.control;
  // Default-ignorable characters outside Cf (U+034F, variation selectors on letters, the Hangul
  // filler U+3164, U+17B4): rendered as nothing, so as invisible as a format character.
  if (/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(char)) return INVISIBLE_TEXT_RULES.format;
  if (char === '\uFFFD') return INVISIBLE_TEXT_RULES.replacement;
  return INVISIBLE_TEXT_RULES.surrogate;
}

/** Names compared for equality (tag names, label values) are in Unicode NFC, or `Café` written two ways would be two names. */
export const NFC_RULE = 'must be in Unicode normalization form C (é as one character, not e followed by a combining accent)';
export const isNfc = (text: string) => text.normalize('NFC') === text;

/** A string schema that also refuses invisible characters, naming which rule was broken. */
export function visibleText<S extends z.ZodType<string>>(schema: S, options: VisibleTextOptions = {}) {
  return schema.superRefine((text, ctx) => {
    const problem = invisibleTextProblem(text, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
