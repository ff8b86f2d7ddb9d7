// A contact's profile in a real browser against the real stack (api, indexer, Postgres, Kafka,
// Elasticsearch): opened from the list, its fields, tags, labels, saved segments and activity; the
// blacklist one-click action with its history entry; a tag added through the keyboard from the
// API's suggestions and a label removed; a refused label value shown at its field. Writes are
// checked through the API too.
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/test-environment';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true });
let browser: Browser;
let ada: { id: string };
let vintageTagId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await h.request(method, path, { key: ws.key, body });
    expect([path, res.status]).toEqual([path, expect.any(Number)]);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await call('POST', '/v1/custom-fields', { key: 'plan', type: 'string' });
  ada = await call('POST', '/v1/contacts', {
    email: 'ada@profile.example.com',
    phone: '+14155550101',
    firstName: 'Ada',
    lastName: 'Lovelace',
    customFields: { plan: 'enterprise' },
    labels: { tier: 'gold', source: 'ads' },
  });
  await call('POST', `/v1/contacts/${ada.id}/tags/add`, { tags: ['vip', 'newsletter'], createMissing: true });
  // Another contact carries the tag the suggestions should offer.
  const other = await call('POST', '/v1/contacts', { email: 'grace@profile.example.com', firstName: 'Grace', labels: { tier: 'silver' } });
  vintageTagId = (await call('POST', `/v1/contacts/${other.id}/tags/add`, { tags: ['vintage'], createMissing: true })).tagIds[0];
  await call('POST', '/v1/segments', { name: 'VIP customers', text: 'tag:vip' });
  await call('POST', '/v1/segments', { name: 'Silver tier', text: 'label:tier = silver' });
  await call('POST', `/v1/contacts/${ada.id}/activities`, {
    channel: 'email',
    status: 'opened',
    messageName: 'Autumn newsletter',
    occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  // The saved segments a contact is in are evaluated on its indexed document: wait for the indexer.
  await eventually(
    async () => (await h.request('GET', `/v1/contacts/${ada.id}/segments`, { key: ws.key })).body,
    (body) => body.items?.length === 1,
  );
}, 120_000);
afterAll(async () => browser?.close());

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  return signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
}

const panel = (page: Page, name: string) => page.getByRole('region', { name });
const apiContact = async () => (await ctx.h.request('GET', `/v1/contacts/${ada.id}`, { key: ctx.ws.key })).body;

test('a contact opened from the list shows its fields, tags, labels, saved segments and activity', async () => {
  const { page, errors } = await open('/contacts');
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();
  expect(page.url()).toContain(`/console/contacts/${ada.id}`);

  const fields = await page.$$eval('[data-testid="contact-fields"] > div', (divs) =>
    Object.fromEntries(divs.map((d) => [d.querySelector('dt')?.textContent, d.querySelector('dd')?.textContent])),
  );
  expect(fields).toMatchObject({ Email: 'ada@profile.example.com', Phone: '+14155550101', 'First name': 'Ada', 'Last name': 'Lovelace', plan: 'enterprise' });
  expect(fields.Created).not.toBe('—');
  expect(fields.Updated).not.toBe('—');

  await panel(page, 'Tags').getByRole('listitem').first().waitFor();
  expect(await panel(page, 'Tags').getByRole('listitem').allTextContents()).toEqual(['newsletter×', 'vip×']);
  const labels = await panel(page, 'Labels')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...(tr as any).cells].slice(0, 2).map((td: any) => td.textContent)));
  expect(labels).toEqual([
    ['source', 'ads'],
    ['tier', 'gold'],
  ]);
  expect(await panel(page, 'Saved segments').getByRole('listitem').allTextContents()).toEqual(['VIP customers']);
  await panel(page, 'Activity').getByRole('cell', { name: 'Autumn newsletter' }).waitFor();
  expect(await page.getByTestId('email-status').textContent()).toBe('active');
  // Created active: no status change recorded yet.
  await panel(page, 'Channel status').getByText('No status change recorded yet.').waitFor();

  await screenshot(page, 'contacts-profile');
  expect(await axeViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('Blacklist email changes the status and adds a history entry, in the page and in the API', async () => {
  const { page, errors } = await open(`/contacts/${ada.id}`);
  const history = panel(page, 'Channel status').getByRole('table', { name: 'Status history' });
  await panel(page, 'Channel status').getByText('No status change recorded yet.').waitFor();

  await page.getByRole('button', { name: 'Blacklist email' }).click();
  await page.getByRole('status').filter({ hasText: 'Email status is now blacklisted.' }).waitFor();
  expect(await page.getByTestId('email-status').textContent()).toBe('blacklisted');
  await history.locator('tbody tr').first().waitFor();
  const rows = await history.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...(tr as any).cells].slice(1, 3).map((td: any) => td.textContent)));
  expect(rows).toEqual([['email', 'blacklisted']]);
  expect(await page.getByRole('button', { name: 'Blacklist email' }).isDisabled()).toBe(true);

  expect((await apiContact()).emailStatus).toBe('blacklisted');
  const apiHistory = (await ctx.h.request('GET', `/v1/contacts/${ada.id}/status-history`, { key: ctx.ws.key })).body.items;
  expect(apiHistory).toEqual([expect.objectContaining({ channel: 'email', status: 'blacklisted' })]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a tag picked with the keyboard from the suggestions is added, and a label removed', async () => {
  const { page, errors } = await open(`/contacts/${ada.id}`);
  const input = page.getByRole('combobox', { name: 'Add a tag' });
  await input.click();
  await input.pressSequentially('vin');
  const suggestion = page.getByRole('option', { name: 'vintage' });
  await suggestion.waitFor();
  await input.press('ArrowDown');
  expect(await suggestion.getAttribute('aria-selected')).toBe('true');
  expect(await input.getAttribute('aria-activedescendant')).toBe(await suggestion.getAttribute('id'));
  await input.press('Enter'); // picks the suggestion
  expect(await input.inputValue()).toBe('vintage');
  await input.press('Enter'); // submits the form
  await page.getByRole('status').filter({ hasText: 'Tag vintage added.' }).waitFor();
  expect(await panel(page, 'Tags').getByRole('listitem').allTextContents()).toEqual(['newsletter×', 'vintage×', 'vip×']);
  expect((await apiContact()).tagIds).toContain(vintageTagId);

  await page.getByRole('button', { name: 'Remove label source' }).click();
  await page.getByRole('status').filter({ hasText: 'Label source removed.' }).waitFor();
  expect(await page.getByRole('button', { name: 'Remove label source' }).count()).toBe(0);
  expect((await apiContact()).labels).toEqual({ tier: 'gold' });
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a label value the API refuses is shown at its field, and nothing changes', async () => {
  const { page, errors } = await open(`/contacts/${ada.id}`);
  await page.getByRole('combobox', { name: 'Label key' }).fill('tier');
  await page.getByRole('combobox', { name: 'Label value' }).fill(' platinum');
  await page.getByRole('button', { name: 'Set label' }).click();
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.locator('li').allTextContents()).toEqual(['body.set.tier: value must not start or end with white space']);
  const value = page.getByRole('combobox', { name: 'Label value' });
  expect(await value.getAttribute('aria-invalid')).toBe('true');
  const describedBy = await value.getAttribute('aria-describedby');
  expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('value must not start or end with white space');
  expect((await apiContact()).labels.tier).toBe('gold');
  expect(errors).toEqual([]);
  await page.context().close();
});

test("suggestions read with one workspace's key are forgotten at sign-out: the next key never sees its names", async () => {
  const other = await ctx.h.createWorkspace('suggestions elsewhere');
  const theirs = await ctx.h.request('POST', '/v1/contacts', { key: other.key, body: { email: 'linus@elsewhere.example.com', firstName: 'Linus' } });
  expect(theirs.status).toBe(201);
  expect(
    (await ctx.h.request('POST', `/v1/contacts/${theirs.body.id}/tags/add`, { key: other.key, body: { tags: ['vinyl'], createMissing: true } })).status,
  ).toBe(200);

  // Workspace A's suggestions are read (and kept) in this page...
  const { page, errors } = await open(`/contacts/${ada.id}`);
  const suggestions = async () => {
    const input = page.getByRole('combobox', { name: 'Add a tag' });
    await input.click();
    await input.pressSequentially('vin');
    await page.getByRole('listbox').waitFor();
    return page.getByRole('option').allTextContents();
  };
  expect(await suggestions()).toEqual(['vintage']);

  // ...then the other workspace's key signs in, in the same page (no reload: the same modules).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').fill(other.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Sign-in returns to where the session was (A's contact, unknown to this key); the list is one click away.
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('link', { name: /Linus/ }).click();
  await page.waitForURL(new RegExp(`/console/contacts/${theirs.body.id}$`));
  expect(await suggestions()).toEqual(['vinyl']);
  expect(errors).toEqual([]);
  await page.context().close();
});
