// The search cost of a request, in points: 1 per query, 5 more per pattern condition, 20 per member pass.
import { parseSegment } from '@segmenter/shared';
import { countCost, memberPassCost, queryCost, SEARCH_COST } from './search-cost';

test.each([
  ['city = Paris', 1],
  ['city CONTAINS par', 1 + SEARCH_COST.patternCondition],
  ['city CONTAINS par OR (email STARTS WITH ada AND NOT label:utm PREFIX fb)', 1 + 3 * SEARCH_COST.patternCondition],
  ['label:utm = fb AND tag:vip', 1],
])('a count of %s costs %d', (text, cost) => {
  expect(queryCost(parseSegment(text))).toBe(cost);
});

test('a request counting several queries costs their sum; a member pass costs more than a count', () => {
  const trees = ['city = Paris', 'city CONTAINS par'].map((t) => parseSegment(t));
  expect(countCost(trees)).toBe(2 + SEARCH_COST.patternCondition);
  expect(countCost([])).toBe(0);
  expect(memberPassCost(trees[1])).toBe(SEARCH_COST.memberPass + SEARCH_COST.patternCondition);
  expect(memberPassCost()).toBe(SEARCH_COST.memberPass);
  expect(memberPassCost(trees[0])).toBeGreaterThan(queryCost(trees[0]!));
});
