import { INVISIBLE_TEXT_RULES, invisibleTextProblem, NFC_RULE } from './visible-text';
import { LabelValue, TagName } from './contact-domain';

const { control, format, surrogate, replacement } = INVISIBLE_TEXT_RULES;

describe('the visible-text rule', () => {
  test.each([
    ['plain text', 'VIP customers'],
    ['accents and other scripts', 'Café 東京 مرحبا'],
    ['an emoji (a surrogate pair)', 'fans 😀'],
    ['a combining accent', 'Cafe\u0301'],
    ['a non-breaking space inside', 'a\u00a0b'],
    ['a Persian name with its non-joiner (ZWNJ between Arabic letters)', 'حسین\u200cزاده'],
    ['Sinhala "Sri" with its joiner (ZWJ between Sinhala letters and marks)', 'ශ්\u200dරී'],
    ['a Devanagari half form (ZWJ after a virama)', 'क्\u200dष'],
    ['an emoji family (ZWJ between emoji)', '👨\u200d👩\u200d👧'],
    ['an emoji with a skin tone and a ZWJ sequence', '🧑🏽\u200d💻'],
    ['an emoji in emoji presentation (a variation selector after it)', '❤️ fans'],
    ['a keycap', '1️⃣'],
    ["Scotland's flag (tag characters after the black flag)", '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'],
  ])('accepts %s', (_what, text) => {
    expect(invisibleTextProblem(text)).toBeUndefined();
  });

  test.each([
    ['NUL', 'a\u0000b', control],
    ['a BEL (C0)', 'a\u0007b', control],
    ['a line break', 'a\nb', control],
    ['DEL', 'a\u007fb', control],
    ['NEL (C1)', 'a\u0085b', control],
    ['a C1 control', 'a\u009bb', control],
    ['a right-to-left override', 'abc\u202etxt.exe', format],
    ['a left-to-right embedding', '\u202aabc', format],
    ['a first-strong isolate', 'a\u2068b', format],
    ['a pop directional isolate', 'a\u2069b', format],
    ['a zero-width space', 'V\u200bIP', format],
    ['a zero-width non-joiner', 'V\u200cIP', format],
    ['a zero-width joiner', 'V\u200dIP', format],
    ['a left-to-right mark', 'V\u200eIP', format],
    ['a right-to-left mark', 'V\u200fIP', format],
    ['a word joiner', 'V\u2060IP', format],
    ['a byte order mark inside', 'V\ufeffIP', format],
    ['a soft hyphen', 'V\u00adIP', format],
    ['an invisible tag character', 'VIP\u{e0041}', format],
    ['a combining grapheme joiner (default-ignorable, not Cf)', 'VIP\u034f', format],
    ['a variation selector on a letter', 'VIP\ufe00', format],
    ['the Hangul filler, which renders as nothing', 'VIP\u3164', format],
    ['an invisible Khmer vowel', 'VIP\u17b4', format],
    ['tag characters not closing a flag', '🏴\u{E0067}\u{E0062}', format],
    ['a joiner between Latin letters (never needed there: VIP and VI+ZWNJ+P would collide)', 'VI\u200cP', format],
    ['a joiner at the start of Persian text', '\u200cحسین', format],
    ['a joiner ending an emoji', '👋🏽\u200d', format],
    ['a lone high surrogate', 'a\ud800', surrogate],
    ['a lone low surrogate', 'a\udc00', surrogate],
    ['two halves in the wrong order', 'a\udc00\ud800', surrogate],
    ['the replacement character a decoder leaves for bad bytes', 'a\ufffdb', replacement],
  ])('refuses %s', (_what, text, rule) => {
    expect(invisibleTextProblem(text)).toBe(rule);
  });
});

test('a multi-line field keeps its line breaks, and nothing else invisible', () => {
  expect(invisibleTextProblem('1 Main St\nFlat 2', { lineBreaks: true })).toBeUndefined();
  expect(invisibleTextProblem('1 Main St\r\nFlat 2', { lineBreaks: true })).toBeUndefined();
  expect(invisibleTextProblem('1 Main St\tFlat 2', { lineBreaks: true })).toBe(control);
  expect(invisibleTextProblem('1 Main St\u2028Flat 2', { lineBreaks: true })).toBeUndefined(); // U+2028 is Zl, a visible break
  expect(invisibleTextProblem('1 Main\u200bSt', { lineBreaks: true })).toBe(format);
});

describe('tag names and label values follow it', () => {
  test.each([
    ['V\u202eIP', format],
    ['V\u200bIP', format],
    ['VIP\u0085', control],
    ['VIP\ud800', surrogate],
    ['VIP\udc00', surrogate],
  ])('%j is refused with its rule', (text, rule) => {
    for (const schema of [TagName, LabelValue]) {
      const result = schema.safeParse(text);
      expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual([rule]);
    }
  });

  test('one name written two ways (NFC and decomposed) cannot be two names: the decomposed one is refused', () => {
    for (const schema of [TagName, LabelValue]) {
      expect(schema.safeParse('Café').success).toBe(true);
      const decomposed = schema.safeParse('Cafe\u0301');
      expect(decomposed.success ? [] : decomposed.error.issues.map((i) => i.message)).toEqual([NFC_RULE]);
    }
  });

  test('names that differ only by an invisible character cannot both exist: the second is refused', () => {
    expect(TagName.safeParse('VIP').success).toBe(true);
    expect(TagName.safeParse('VI\u200bP').success).toBe(false);
    expect(TagName.safeParse('VIP\u2060').success).toBe(false);
  });
});
