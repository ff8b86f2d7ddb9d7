// Bulk tag and label actions from the Contacts list in a real browser against the real stack (api,
// job runner, indexer, Postgres, Kafka, Elasticsearch): rows selected with the keyboard and a tag
// added to them; "select all on this page"; a label set on a whole saved segment as a job followed
// to its end; a segment text the API refuses shown at its field. Results checked through the API.
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/test-environment';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true, jobRunner: true });
let browser: Browser;
const people: { id: string; email: string }[] = [];
const GOLD = [1, 3, 5]; // people carrying label tier = gold, the saved segment's members

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  for (let i = 0; i < 7; i++) {
    const email = `bulk${i}@bulk.example.com`;
    const labels = GOLD.includes(i) ? { tier: 'gold' } : { tier: 'bronze' };
    const res = await h.request('POST', '/v1/contacts', { key: ws.key, body: { email, firstName: 'Bulk', lastName: `Person${i}`, labels } });
    expect(res.status).toBe(201);
    people.push({ id: res.body.id, email });
  }
  expect((await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'Gold tier', text: 'label:tier = gold' } })).status).toBe(201);
  // A segment action freezes its members from the index: wait until the indexer has them all.
  await eventually(
    async () => (await h.request('POST', '/v1/segments/count', { key: ws.key, body: { queries: [{ text: 'label:tier = gold' }] } })).body,
    (body) => body.results?.[0]?.total === GOLD.length,
  );
}, 120_000);
afterAll(async () => browser?.close());

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  return signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
}

const contact = async (id: string) => (await ctx.h.request('GET', `/v1/contacts/${id}`, { key: ctx.ws.key })).body;
const tagNames = async (id: string) =>
  Promise.all(((await contact(id)).tagIds as string[]).map(async (t) => (await ctx.h.request('GET', `/v1/tags/${t}`, { key: ctx.ws.key })).body.name));

async function listed(page: Page): Promise<void> {
  await page
    .getByRole('status')
    .filter({ hasText: /^Page 1: contacts 1–/ })
    .waitFor();
  await page.locator('table[aria-busy="false"]').waitFor();
}

test('three rows selected with the keyboard get a tag in bulk; the others do not', async () => {
  const { page, errors } = await open('/contacts?sort=created&order=asc');
  await listed(page);
  const picked = [people[0]!, people[2]!, people[4]!];
  for (const p of picked) {
    const box = page.getByRole('checkbox', { name: `Select ${p.email}` });
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
  }
  await page.getByRole('group', { name: 'Selection' }).getByText('3 selected').waitFor();

  const opener = page.getByRole('button', { name: 'Bulk action…' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Bulk action' });
  await dialog.waitFor();
  expect(await dialog.getByRole('radio', { name: 'The 3 selected contacts' }).isChecked()).toBe(true);
  await dialog.getByRole('combobox', { name: 'Tag' }).fill('picked-by-hand');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Done: processed 3 of 3, 3 changed, 0 failed.' }).waitFor();
  expect(await dialog.locator('progress').evaluate((p: any) => [p.value, p.max])).toEqual([3, 3]);
  expect(await axeViolations(page)).toEqual([]);

  for (const p of people) expect([p.email, (await tagNames(p.id)).includes('picked-by-hand')]).toEqual([p.email, picked.includes(p)]);

  // Escape closes the dialog and focus returns to the button that opened it.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await opener.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('"Select all on this page" selects every row shown, and clearing empties the selection', async () => {
  const { page, errors } = await open('/contacts?limit=10');
  await listed(page);
  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  const rows = await page.locator('table tbody tr').count();
  await page.getByRole('group', { name: 'Selection' }).getByText(`${rows} selected`).waitFor();
  for (const box of await page.locator('table tbody input[type="checkbox"]').all()) expect(await box.isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await page.getByRole('group', { name: 'Selection' }).getByText('0 selected').waitFor();
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a label set on a whole saved segment runs as a job followed to its end', async () => {
  const { page, errors } = await open('/contacts');
  await listed(page);
  await page.getByRole('button', { name: 'Bulk action…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk action' });
  await dialog.getByRole('radio', { name: 'The members of a saved segment' }).check();
  await dialog.getByRole('combobox', { name: 'Saved segment' }).locator('option', { hasText: 'Gold tier' }).waitFor({ state: 'attached' });
  await dialog.getByLabel('Saved segment', { exact: true }).selectOption({ label: 'Gold tier' });
  await dialog.getByLabel('Action', { exact: true }).selectOption('set_label');
  await dialog.getByRole('combobox', { name: 'Label key' }).fill('wave');
  await dialog.getByRole('combobox', { name: 'Label value' }).fill('autumn');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await dialog
    .getByRole('status')
    .filter({ hasText: `Done: processed ${GOLD.length} of ${GOLD.length}, ${GOLD.length} changed, 0 failed.` })
    .waitFor({ timeout: 60_000 });
  await screenshot(page, 'contacts-bulk-progress');

  for (const [i, p] of people.entries()) expect([p.email, (await contact(p.id)).labels.wave ?? null]).toEqual([p.email, GOLD.includes(i) ? 'autumn' : null]);
  const jobs = (await ctx.h.request('GET', '/v1/jobs', { key: ctx.ws.key })).body.items;
  expect(jobs[0]).toMatchObject({ status: 'succeeded', total: GOLD.length, done: GOLD.length });
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a segment text the API refuses is shown at its field, and no job starts', async () => {
  const { page, errors } = await open('/contacts');
  await listed(page);
  const jobsBefore = (await ctx.h.request('GET', '/v1/jobs', { key: ctx.ws.key })).body.items.length;
  await page.getByRole('button', { name: 'Bulk action…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk action' });
  await dialog.getByRole('radio', { name: 'The contacts a segment text finds' }).check();
  await dialog.getByLabel('Segment text', { exact: true }).fill('label:tier = ');
  await dialog.getByLabel('Action', { exact: true }).selectOption('remove_label');
  await dialog.getByRole('combobox', { name: 'Label key' }).fill('tier');
  await dialog.getByRole('button', { name: 'Run' }).click();
  const problem = dialog.getByRole('alert');
  await problem.waitFor();
  const fields = await problem.locator('li code').allTextContents();
  expect(fields.length).toBeGreaterThan(0);
  expect(fields.every((f) => f.startsWith('body.query'))).toBe(true);
  expect(await dialog.getByLabel('Segment text', { exact: true }).getAttribute('aria-invalid')).toBe('true');
  expect((await ctx.h.request('GET', '/v1/jobs', { key: ctx.ws.key })).body.items).toHaveLength(jobsBefore);
  expect(errors).toEqual([]);
  await page.context().close();
});
