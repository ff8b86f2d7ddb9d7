import { workspaceSearch } from './workspace-search';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';

test('every search is routed to the workspace and filtered by it before anything else', () => {
  const search = workspaceSearch('contacts', WS, [{ term: { tag_ids: 't' } }]);
  expect(search).toEqual({
    index: 'contacts',
    routing: WS,
    query: { bool: { filter: [{ term: { workspace_id: WS } }, { term: { deleted: false } }, { term: { tag_ids: 't' } }] } },
  });
});

test('a caller filter cannot widen the scope: filters are ANDed, never a should', () => {
  const hostile = { bool: { should: [{ match_all: {} }] } };
  const search = workspaceSearch('contacts', WS, [hostile]);
  expect(search.query.bool.filter.slice(0, 2)).toEqual([{ term: { workspace_id: WS } }, { term: { deleted: false } }]);
  expect(Object.keys(search.query.bool)).toEqual(['filter']);
});

test('all documents (deleted and tombstones) are reachable only on request, and still only the workspace', () => {
  expect(workspaceSearch('contacts', WS, [], { documents: 'all' }).query.bool.filter).toEqual([{ term: { workspace_id: WS } }]);
});
