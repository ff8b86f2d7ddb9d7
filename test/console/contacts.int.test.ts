// The Contacts screen in a real browser against the real stack (api, indexer, Postgres, Kafka,
// Elasticsearch): search by email and id, a bad search shown with its field, sorting and cursor
// paging both ways, the channel status filter, and the Deleted tab's restore, checked through the API too.
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/test-environment';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true });
let browser: Browser;
/** The seeded contacts, person00 first: distinct ratings so the rating order is one order. */
const seeded: { id: string; email: string; rating: number }[] = [];
const SEEDED = 23;

const EMAIL = 1;
const RATING = 5;

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  for (let i = 0; i < SEEDED; i++) {
    const email = `person${String(i).padStart(2, '0')}@console.example.com`;
    const rating = (i * 37) % 101;
    const res = await h.request('POST', '/v1/contacts', {
      key: ws.key,
      body: { email, phone: `+1415555${String(i).padStart(4, '0')}`, firstName: 'Person', lastName: `Number${i}`, emailRating: rating },
    });
    expect(res.status).toBe(201);
    seeded.push({ id: res.body.id, email, rating });
  }
}, 120_000);
afterAll(async () => browser?.close());

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  return signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
}

/** Waits until the table shows a page whose status line matches, then reads its cells. */
async function rowsWhen(page: Page, status: RegExp): Promise<string[][]> {
  await page.getByRole('status').filter({ hasText: status }).waitFor();
  await page.locator('table[aria-busy="false"]').waitFor();
  return page.$$eval('table tbody tr', (trs) => trs.map((tr) => [...(tr as any).cells].map((td: any) => String(td.textContent ?? ''))));
}

async function search(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Search by email, phone, name or id');
  await box.fill(text);
  await box.press('Enter');
}

test('search finds a seeded contact by email and by id', async () => {
  const { page, errors } = await open('/contacts');
  await rowsWhen(page, /^Page 1: contacts 1–/);
  await search(page, 'person07@console');
  let rows = await rowsWhen(page, /contacts 1–1 \(last page\)/);
  expect(rows.map((r) => r[EMAIL])).toEqual(['person07@console.example.com']);

  await search(page, seeded[12]!.id);
  rows = await rowsWhen(page, /contacts 1–1 \(last page\)/);
  expect(rows.map((r) => r[EMAIL])).toEqual(['person12@console.example.com']);
  expect(page.url()).toContain(`q=${seeded[12]!.id}`);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a search the API refuses is shown with the field it names', async () => {
  const { page } = await open('/contacts');
  await search(page, 'x'.repeat(300));
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.textContent()).toContain('Validation failed');
  expect(await problem.locator('li').allTextContents()).toEqual(['query.q: must be at most 254 characters']);
  await page.context().close();
});

test('sorted by rating, pages forward and back by cursor, in one order and never the same rows twice', async () => {
  const { page, errors } = await open('/contacts?sort=email_rating&limit=10');
  const page1 = await rowsWhen(page, /^Page 1: contacts 1–10\.$/);
  await page.getByRole('button', { name: 'Next page' }).click();
  const page2 = await rowsWhen(page, /^Page 2: contacts 11–20\.$/);
  await page.getByRole('button', { name: 'Next page' }).click();
  const page3 = await rowsWhen(page, /^Page 3: contacts 21–23 \(last page\)\.$/);
  expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

  const expected = [...seeded].sort((a, b) => b.rating - a.rating).map((c) => c.email);
  expect([...page1, ...page2, ...page3].map((r) => r[EMAIL])).toEqual(expected);
  const ratings = [...page1, ...page2, ...page3].map((r) => Number(r[RATING]));
  expect(ratings).toEqual([...ratings].sort((a, b) => b - a));

  await page.getByRole('button', { name: 'Previous page' }).click();
  expect(await rowsWhen(page, /^Page 2: contacts 11–20\.$/)).toEqual(page2);
  await page.getByRole('button', { name: 'Previous page' }).click();
  expect(await rowsWhen(page, /^Page 1: contacts 1–10\.$/)).toEqual(page1);
  expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);

  // Another sort is another view: it starts again at page 1, oldest first here.
  await page.getByLabel('Sort by').selectOption('created');
  await page.getByLabel('Order').selectOption('asc');
  const oldest = await rowsWhen(page, /^Page 1: contacts 1–10\.$/);
  expect(oldest.map((r) => r[EMAIL])).toEqual(seeded.slice(0, 10).map((c) => c.email));
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the email status filter lists the blacklisted contact only', async () => {
  const { h, ws } = ctx;
  const target = seeded[3]!;
  expect((await h.request('POST', `/v1/contacts/${target.id}/actions/blacklist-email`, { key: ws.key })).status).toBe(200);
  // The filter reads the search index: wait until the indexer has caught up.
  await eventually(
    async () => (await h.request('POST', '/v1/segments/count', { key: ws.key, body: { queries: [{ text: 'email_status = blacklisted' }] } })).body,
    (body) => body.results?.[0]?.total === 1,
  );
  const { page, errors } = await open('/contacts');
  await rowsWhen(page, /^Page 1: contacts 1–/);
  await page.getByLabel('Email status').selectOption('blacklisted');
  const rows = await rowsWhen(page, /contacts 1–1 \(last page\)/);
  expect(rows.map((r) => [r[EMAIL], r[3]])).toEqual([[target.email, 'blacklisted']]);
  // Search and the filter combine (GET /v1/contacts?q=&emailStatus=): another contact's email finds
  // nobody blacklisted, the target's own finds it.
  await search(page, seeded[4]!.email);
  await rowsWhen(page, /^No contacts\./);
  await search(page, target.email);
  const found = await rowsWhen(page, /contacts 1–1 \(last page\)/);
  expect(found.map((r) => r[EMAIL])).toEqual([target.email]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the Deleted tab lists a deleted contact with its reason, and Restore brings it back', async () => {
  const { h, ws } = ctx;
  const target = seeded[20]!;
  expect((await h.request('DELETE', `/v1/contacts/${target.id}`, { key: ws.key, body: { reason: 'asked by phone' } })).status).toBe(200);
  const { page, errors } = await open('/contacts');
  await rowsWhen(page, /^Page 1: contacts 1–/);
  await page.getByRole('button', { name: 'Deleted' }).click();
  const rows = await rowsWhen(page, /contacts 1–1 \(last page\)/);
  expect(rows.map((r) => [r[EMAIL], r[8]])).toEqual([[target.email, 'asked by phone']]);

  await page.getByRole('button', { name: `Restore ${target.email}` }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Restored ${target.email}.` })
    .waitFor();
  await page.locator('table[aria-busy="false"]').waitFor();
  await page.locator('table tbody tr').first().waitFor({ state: 'detached' });
  const restored = await h.request('GET', `/v1/contacts/${target.id}`, { key: ws.key });
  expect(restored.status).toBe(200);
  expect(restored.body.deletedAt).toBeNull();
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the contacts screen has no serious or critical axe-core violation', async () => {
  const { page } = await open('/contacts');
  await rowsWhen(page, /^Page 1: contacts 1–/);
  await screenshot(page, 'contacts');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Deleted' }).click();
  await page.locator('table[aria-busy="false"]').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.context().close();
});
