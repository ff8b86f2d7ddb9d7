// The export's cell defusing and the import's undo are inverses, whatever the value starts with.
import { csvCell, decodeList, encodeList, restoreDefusedCell } from './contact-csv-format';

/** The cell's text as a CSV reader returns it (quotes removed). */
const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);

test.each(['plain', '=SUM(1,2)', '+cmd', '-neg', '@at', '\tlead', "'=literal", "''=twice", "'-x", "'plain", "it's", '+14155550123', '-', "'"])(
  'csvCell then restoreDefusedCell gives %j back',
  (value) => {
    expect(restoreDefusedCell(unquote(csvCell(value)))).toBe(value);
  },
);

test.each([
  ['=1+1', "'=1+1"],
  ['+14155550123', '+14155550123'],
  ["'=x", "''=x"],
  ['a,b', '"a,b"'],
])('csvCell(%j) is %j', (value, cell) => {
  expect(csvCell(value)).toBe(cell);
});

test.each([[['a', 'b|c', 'd\\e', '|', '\\|']], [['Hot Lead', 'VIP']], [[]]])('encodeList and decodeList round-trip %j', (values) => {
  expect(decodeList(encodeList(values))).toEqual(values.filter((v) => v.trim() !== ''));
});

describe('CSV cells', () => {
  test.each([
    ['plain', 'plain'],
    ['Smith, "Jo"', '"Smith, ""Jo"""'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+14155550100', '+14155550100'],
    ['+1 415', "'+1 415"],
    ['@cmd', "'@cmd"],
    [null, ''],
  ])('%j -> %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
