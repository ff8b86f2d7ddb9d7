// The console's API types are generated from the OpenAPI document and committed; this fails when
// the API changed and the console was not regenerated (`npm run console:types`), so the console
// cannot drift from the API it calls.
import { readFileSync } from 'node:fs';
import { API_TYPES_FILE, generateApiTypes } from '../../services/console/scripts/generate-api-types';

test('services/console/src/api/api-types.ts is what the generator writes from the current OpenAPI document', () => {
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  const generated = generateApiTypes();
  // Compared line by line, so a failure shows the first lines that differ, not two 400 kB strings.
  const firstDifference = generated.split('\n').findIndex((line, i) => line !== committed.split('\n')[i]);
  expect({ firstDifference, line: generated.split('\n')[firstDifference] }).toEqual({ firstDifference: -1, line: undefined });
  expect(committed).toBe(generated);
}, 60_000);
