// The Analytics screen in a real browser against the real stack (api, indexer, Postgres, Kafka,
// Elasticsearch): each chart's table of numbers equals what the API answers for the seeded
// contacts (statuses per channel, top tags, contacts created per day), a bad range is refused with
// its field, the page raises no error (the charts are inline SVG under a 'self'-only CSP), and
// axe-core finds no serious violation.
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/test-environment';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true });
let browser: Browser;
const DAY = 86_400_000;
const EMAIL_STATUSES = ['active', 'active', 'active', 'unsubscribed', 'spam_report', 'blacklisted', 'unconfirmed'];
const PHONE_STATUSES = ['active', 'opted_out', 'blacklisted'];
const TAGS = ['newsletter', 'vip', 'trial', 'churned'];
const SEEDED = 24;

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  const now = Date.now();
  // Spread over the last five days, with a mix of statuses and tags: contact i has tag j when i % (j + 2) == 0.
  const contacts = Array.from({ length: SEEDED }, (_, i) => ({
    email: `chart${i}@analytics.example.com`,
    ...(i % 3 === 0 ? { phone: `+1415556${String(i).padStart(4, '0')}` } : {}),
    emailStatus: EMAIL_STATUSES[i % EMAIL_STATUSES.length],
    phoneStatus: PHONE_STATUSES[Math.floor(i / 3) % PHONE_STATUSES.length],
    tags: TAGS.filter((_, j) => i % (j + 2) === 0),
    createdAt: new Date(now - (i % 5) * DAY - 60_000).toISOString(),
  }));
  const res = await h.request('POST', '/v1/contacts/batch-upsert', { key: ws.key, body: { matchBy: 'email', contacts, createMissing: true } });
  expect(res.status).toBe(200);
  expect(res.body.results.filter((r: { status: string }) => r.status === 'error')).toEqual([]);
  // The numbers come from the search index: wait until the indexer has every contact and tag.
  await eventually(
    async () => (await h.request('GET', '/v1/analytics/tags?limit=10', { key: ws.key })).body,
    (body) => body.items?.[0]?.contactCount === SEEDED / 2,
  );
  await eventually(
    async () => (await h.request('GET', '/v1/analytics/channels', { key: ws.key })).body,
    (body) => body.total === SEEDED,
  );
}, 120_000);
afterAll(async () => browser?.close());

const apiGet = async (path: string) => {
  const res = await ctx.h.request('GET', path, { key: ctx.ws.key });
  expect(res.status).toBe(200);
  return res.body;
};

/** The rows of the table of one chart, as [label, number]. */
async function chartTable(page: Page, chart: string): Promise<[string, number][]> {
  const table = page.locator(`table[data-chart="${chart}"]`);
  await table.waitFor({ state: 'attached' });
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...(tr as any).cells].map((c: any) => String(c.textContent ?? '').trim())));
  return rows.map(([label, n]) => [label!, Number(n)]);
}

test('each chart has a table whose numbers are the API’s for the seeded contacts', async () => {
  const { page, errors } = await signedInPage(browser, ctx.h.api.url, ctx.ws.key, '/analytics');
  const channels = await apiGet('/v1/analytics/channels');
  expect(channels.total).toBe(SEEDED);
  for (const channel of ['email', 'phone'] as const) {
    const shown = await chartTable(page, `channel-${channel}`);
    expect(shown).toEqual(Object.entries(channels.channels[channel].statuses));
    expect(shown.reduce((sum, [, n]) => sum + n, 0)).toBe(channels.channels[channel].contacts);
  }
  expect(channels.channels.email.contacts).toBe(SEEDED);
  expect(channels.channels.phone.contacts).toBe(SEEDED / 3);
  // Each chart is one image to assistive technology, named with its numbers.
  expect(await page.getByRole('img', { name: /^Email contacts by status: active \d+, / }).count()).toBe(1);

  const tags = await apiGet('/v1/analytics/tags?sort=count&limit=10');
  const shownTags = await chartTable(page, 'top-tags');
  expect(shownTags).toEqual(tags.items.map((t: { name: string; contactCount: number }) => [t.name, t.contactCount]));
  // newsletter: i % 2 == 0 (12), vip: i % 3 == 0 (8), trial: i % 4 == 0 (6), churned: i % 5 == 0 (5).
  expect(shownTags).toEqual([
    ['newsletter', 12],
    ['vip', 8],
    ['trial', 6],
    ['churned', 5],
  ]);

  const from = await page.getByLabel('From', { exact: true }).inputValue();
  const to = await page.getByLabel('To', { exact: true }).inputValue();
  const timeZone = await page.getByTestId('created-time-zone').textContent();
  const created = await apiGet(`/v1/analytics/contacts-created?interval=day&from=${from}&to=${to}&timeZone=${encodeURIComponent(timeZone!)}`);
  const shownDays = await chartTable(page, 'contacts-created');
  expect(shownDays).toHaveLength(30);
  expect(shownDays).toEqual(created.buckets.map((b: { date: string; count: number }) => [b.date, b.count]));
  expect(shownDays.reduce((sum, [, n]) => sum + n, 0)).toBe(SEEDED);
  await page.locator('.chart-numbers summary').click();
  await screenshot(page, 'analytics');
  expect(errors).toEqual([]);
  await page.context().close();
});

test('another interval and range is asked for; a range the API refuses is shown with its field', async () => {
  const { page, errors } = await signedInPage(browser, ctx.h.api.url, ctx.ws.key, '/analytics');
  await page.locator('table[data-chart="contacts-created"]').waitFor({ state: 'attached' });
  const to = await page.getByLabel('To', { exact: true }).inputValue();
  await page.getByLabel('Per', { exact: true }).selectOption('month');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('heading', { name: 'Contacts created per month' }).waitFor();
  const months = await chartTable(page, 'contacts-created');
  expect(months.reduce((sum, [, n]) => sum + n, 0)).toBe(SEEDED);

  await page.getByLabel('From', { exact: true }).fill(to);
  await page.getByLabel('To', { exact: true }).fill('2020-01-01');
  await page.getByRole('button', { name: 'Show' }).click();
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.locator('li').allTextContents()).toEqual(['query.from: must not be after to']);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the analytics screen has no serious or critical axe-core violation', async () => {
  const { page, errors } = await signedInPage(browser, ctx.h.api.url, ctx.ws.key, '/analytics');
  await page.locator('table[data-chart="contacts-created"]').waitFor({ state: 'attached' });
  await page.locator('table[data-chart="top-tags"]').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});
