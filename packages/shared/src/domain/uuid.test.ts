// Which texts are UUIDs: either letter case for ids a client types, lower case only for what we issued.
import { isLowercaseUuid, isUuid } from './uuid';

test.each([
  { text: '0190a5e2-7c3b-7def-8a12-3456789abcde', uuid: true, lowercase: true },
  { text: '0190A5E2-7C3B-7DEF-8A12-3456789ABCDE', uuid: true, lowercase: false },
  { text: '0190a5e2-7c3b-7def-8a12-3456789abcd', uuid: false, lowercase: false },
  { text: '0190a5e27c3b7def8a123456789abcde', uuid: false, lowercase: false },
  { text: ' 0190a5e2-7c3b-7def-8a12-3456789abcde', uuid: false, lowercase: false },
  { text: '0190a5e2-7c3b-7def-8a12-3456789abcdg', uuid: false, lowercase: false },
])('$text: uuid $uuid, lower-case uuid $lowercase', ({ text, uuid, lowercase }) => {
  expect(isUuid(text)).toBe(uuid);
  expect(isLowercaseUuid(text)).toBe(lowercase);
});
