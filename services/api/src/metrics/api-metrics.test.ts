import { routePattern } from './api-metrics';

test.each([
  ['/v1/contacts/3f0e2b7c-9d11-4d3a-9a1e-0b9e1a5258c4', '/:id', '/v1/contacts/:id'],
  ['/v1/contacts/abc/tags/add?x=1', '/:id/tags/add', '/v1/contacts/:id/tags/add'],
  ['/v1/contacts', '/', '/v1/contacts'],
  ['/v1/contacts/', '/', '/v1/contacts'],
  ['/v1/counts?consistencyToken=ct1_x', '/', '/v1/counts'],
  ['/v1/admin/search-index/jobs/1', '/jobs/:id', '/v1/admin/search-index/jobs/:id'],
  ['/nowhere', undefined, 'unmatched'],
  // Express matches mount paths case-insensitively: every spelling is one series.
  ['/V1/CONTACTS', '/', '/v1/contacts'],
  ['/v1/Contacts/ABC/Tags/add', '/:id/tags/add', '/v1/contacts/:id/tags/add'],
  ['/V1/Admin/Search-Index/jobs/1', '/jobs/:id', '/v1/admin/search-index/jobs/:id'],
  // A request target in absolute form, or with a made-up authority: the host never makes a series.
  ['http://evil-1.example/v1/tags/abc', '/:id', '/v1/tags/:id'],
  ['http://evil-2.example:81/v1/tags/abc?x=1', '/:id', '/v1/tags/:id'],
  ['//evil-3.example/v1/tags/abc', '/:id', '/v1/tags/:id'],
])('%s matched by %s is reported as %s', (url, route, expected) => {
  expect(routePattern(url, route)).toBe(expected);
});
