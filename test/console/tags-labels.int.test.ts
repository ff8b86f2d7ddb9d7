// The Tags and Labels screens in a real browser against the real stack (api with its job runner,
// indexer, Postgres, Kafka, Elasticsearch): a tag created, counted, renamed, refused with the field
// named, protected, and deleted as a job watched to its end; label keys and values with their
// counts, and a key renamed and values merged as jobs. Every write is checked through the API too.
import type { Browser, Page } from 'playwright-core';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true, jobRunner: true });
let browser: Browser;
const contactIds: string[] = [];
/** A job's end is waited for longer than a page's element: the job runner shares two cores with the whole stack. */
const JOB_TIMEOUT_MS = 60_000;

/** Labels of the seeded contacts: tier gold x3, silver x2, Silver x1; source web x2 (keys sort: source, tier). */
const SEEDED_LABELS: Record<string, string>[] = [
  { tier: 'gold', source: 'web' },
  { tier: 'gold', source: 'web' },
  { tier: 'gold' },
  { tier: 'silver' },
  { tier: 'silver' },
  { tier: 'Silver' },
];

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  const contacts = SEEDED_LABELS.map((labels, i) => ({ email: `label${i}@tags.example.com`, labels }));
  const res = await h.request('POST', '/v1/contacts/batch-upsert', { key: ws.key, body: { matchBy: 'email', contacts } });
  expect(res.status).toBe(200);
  contactIds.push(...res.body.results.map((r: { id: string }) => r.id));
  expect(contactIds).toHaveLength(SEEDED_LABELS.length);
}, 120_000);
afterAll(async () => browser?.close());

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  return signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
}

const api = (method: string, path: string, body?: unknown) => ctx.h.request(method, path, { key: ctx.ws.key, body });

/** The table's body rows as cell texts, once the table is not busy. */
async function tableRows(page: Page, name: string): Promise<string[][]> {
  const table = page.getByRole('table', { name, exact: true });
  await page.locator('table[aria-busy="false"]').first().waitFor();
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...(tr as any).cells].map((td: any) => String(td.textContent ?? '').trim())));
}

async function statusLine(page: Page, text: RegExp | string): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor();
}

/** The tag's row: [name, contacts, protected, created, actions]. */
async function tagRow(page: Page, name: string): Promise<string[] | undefined> {
  return (await tableRows(page, 'Tags')).find((r) => r[0] === name);
}

async function tagByName(name: string): Promise<{ id: string; name: string; protected: boolean; contactCount: number } | undefined> {
  const res = await api('GET', '/v1/tags?limit=1000');
  expect(res.status).toBe(200);
  return res.body.items.find((t: { name: string }) => t.name === name);
}

describe('Tags', () => {
  test('a tag created on the screen is listed with 0 contacts, then with the contacts tagged through the API', async () => {
    const { page, errors } = await open('/tags');
    await statusLine(page, /^(No tags\.|Page 1)/);
    await page.getByLabel('New tag name').fill('Console VIP');
    await page.getByRole('button', { name: 'Create tag' }).click();
    await statusLine(page, 'Created “Console VIP”.');
    await statusLine(page, /Page 1: tags 1–1 \(last page\)/);
    expect((await tagRow(page, 'Console VIP'))?.slice(0, 3)).toEqual(['Console VIP', '0', 'No']);
    const created = await tagByName('Console VIP');
    expect(created).toMatchObject({ protected: false, contactCount: 0 });

    const tagged = await api('POST', '/v1/tags/bulk-add', { contactIds: contactIds.slice(0, 3), tags: ['Console VIP'] });
    expect(tagged.body).toMatchObject({ changed: 3 });
    await page.reload();
    await statusLine(page, /Page 1: tags 1–1/);
    expect((await tagRow(page, 'Console VIP'))?.[1]).toBe('3');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a duplicate or too long name is refused with the field it names; a rename is saved', async () => {
    expect((await api('POST', '/v1/tags', { name: 'Taken' })).status).toBe(201);
    const { page, errors } = await open('/tags');
    await statusLine(page, /Page 1: tags 1–2 \(last page\)/);

    await page.getByLabel('New tag name').fill('Taken');
    await page.getByRole('button', { name: 'Create tag' }).click();
    const problem = page.getByRole('form', { name: 'Create a tag' }).getByRole('alert');
    await problem.waitFor();
    expect(await problem.locator('.problem-title').textContent()).toContain('(409)');
    expect(await problem.locator('li').allTextContents()).toEqual(['body.name: must be unique in the workspace (names are case-sensitive)']);
    expect(await page.getByLabel('New tag name').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('New tag name').fill('x'.repeat(101));
    await page.getByRole('button', { name: 'Create tag' }).click();
    await problem.filter({ hasText: 'must be at most 100 characters' }).waitFor();
    expect(await problem.locator('li').allTextContents()).toEqual(['body.name: must be at most 100 characters']);

    // Rename to a taken name: refused, named; then to a free one.
    await page.getByRole('button', { name: 'Rename Console VIP' }).click();
    const box = page.getByLabel('New name for Console VIP');
    expect(await box.evaluate((el) => el === (el.ownerDocument as any).activeElement)).toBe(true);
    await box.fill('Taken');
    await box.press('Enter');
    const renameProblem = page.locator('.tags-problem').getByRole('alert');
    await renameProblem.filter({ hasText: 'A tag named "Taken" already exists' }).waitFor();
    expect(await renameProblem.locator('li').allTextContents()).toEqual(['body.name: must be unique in the workspace (names are case-sensitive)']);
    await box.fill('Console VIPs');
    await page.getByRole('button', { name: 'Save' }).click();
    await statusLine(page, 'Renamed “Console VIP” to “Console VIPs”.');
    await statusLine(page, /Page 1: tags 1–2/);
    expect((await tagRow(page, 'Console VIPs'))?.[1]).toBe('3');
    expect(await tagByName('Console VIP')).toBeUndefined();
    expect(await tagByName('Console VIPs')).toMatchObject({ contactCount: 3 });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a protected tag cannot be deleted: the dry run shows the refusal; unprotected, it can', async () => {
    const { page, errors } = await open('/tags');
    await statusLine(page, /Page 1: tags 1–2/);
    await page.getByRole('button', { name: 'Protect Taken' }).click();
    await statusLine(page, 'Protected “Taken”.');
    await statusLine(page, /Page 1: tags 1–2/);
    expect((await tagRow(page, 'Taken'))?.[2]).toBe('Protected');
    expect(await tagByName('Taken')).toMatchObject({ protected: true });

    await page.getByRole('button', { name: 'Delete Taken' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete tag “Taken”' });
    await dialog.getByRole('alert').filter({ hasText: 'is protected' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Delete tag' }).isDisabled()).toBe(true);
    await screenshot(page, 'tags-delete-protected');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus is back on the button that opened the dialog.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe('Delete Taken');

    await page.getByRole('button', { name: 'Unprotect Taken' }).click();
    await statusLine(page, 'Unprotected “Taken”.');
    expect(await tagByName('Taken')).toMatchObject({ protected: false });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('deleting a tag previews the segments using it, then runs as a job whose progress reaches done', async () => {
    const tag = (await tagByName('Console VIPs'))!;
    const segment = await api('POST', '/v1/segments', { name: 'VIP members', text: 'tag:"Console VIPs"' });
    expect(segment.status).toBe(201);
    const { page, errors } = await open('/tags');
    await statusLine(page, /Page 1: tags 1–2/);
    await page.getByRole('button', { name: 'Delete Console VIPs' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete tag “Console VIPs”' });
    await dialog.getByText('3 contacts carry this tag').waitFor();
    // Used by a saved segment: refused unless the segments are marked broken.
    await dialog.getByRole('alert').filter({ hasText: 'VIP members' }).waitFor();
    expect(await tableRows(page, 'Saved segments affected')).toEqual([['VIP members', 'directly', 'marked broken', expect.any(String)]]);
    expect(await dialog.getByRole('button', { name: 'Delete tag' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Delete anyway and mark the segments that use it broken').check();
    await dialog.getByRole('button', { name: 'Delete tag' }).and(page.locator(':enabled')).waitFor();
    await screenshot(page, 'tags-delete-preview');
    await dialog.getByRole('button', { name: 'Delete tag' }).click();

    await dialog.locator('[data-job-status="succeeded"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await dialog.locator('.job-progress-text').textContent()).toBe('3 of 3 processed: done');
    const bar = dialog.getByRole('progressbar');
    expect(await bar.evaluate((el: any) => [el.value, el.max])).toEqual([3, 3]);
    await screenshot(page, 'tags-delete-done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await statusLine(page, /Deleted “Console VIPs”\. Page 1: tags 1–1 \(last page\)/);
    expect(await tagRow(page, 'Console VIPs')).toBeUndefined();

    expect((await api('GET', `/v1/tags/${tag.id}`)).status).toBe(404);
    expect((await api('GET', `/v1/segments/${segment.body.id}`)).body.broken).toMatchObject({ reason: 'tag "Console VIPs" was deleted' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('tags are paged by cursor and found by name', async () => {
    for (let i = 0; i < 27; i++) expect((await api('POST', '/v1/tags', { name: `bulk-${String(i).padStart(2, '0')}` })).status).toBe(201);
    const { page, errors } = await open('/tags?limit=25');
    await statusLine(page, 'Page 1: tags 1–25.');
    const first = await tableRows(page, 'Tags');
    await page.getByRole('button', { name: 'Next page' }).click();
    await statusLine(page, 'Page 2: tags 26–28 (last page).');
    const second = await tableRows(page, 'Tags');
    // In the API's order (by name as Postgres sorts it), each tag once.
    const all = (await api('GET', '/v1/tags?limit=1000')).body.items.map((t: { name: string }) => t.name);
    expect(all).toHaveLength(28);
    expect([...first, ...second].map((r) => r[0])).toEqual(all);

    await page.getByLabel('Find tags by name').fill('TAK');
    await page.getByRole('button', { name: 'Find' }).click();
    await statusLine(page, /Page 1: 1 tags containing “TAK” \(28 tags read\) \(last page\)\./);
    expect((await tableRows(page, 'Tags')).map((r) => r[0])).toEqual(['Taken']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('keyboard alone: a protected tag created with Tab, Space and Enter', async () => {
    const { page, errors } = await open('/tags');
    await statusLine(page, /Page 1: tags 1–/);
    await page.getByLabel('New tag name').focus();
    await page.keyboard.type('Keyboard made');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Protected').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Create tag');
    await page.keyboard.press('Enter');
    await statusLine(page, 'Created “Keyboard made”.');
    expect(await tagByName('Keyboard made')).toMatchObject({ protected: true, contactCount: 0 });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('the tags screen has no serious or critical axe-core violation, nor its delete dialog', async () => {
    const { page } = await open('/tags');
    await statusLine(page, /Page 1: tags 1–/);
    await screenshot(page, 'tags');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Delete Taken' }).click();
    await page.getByRole('dialog').getByText('0 contacts carry this tag').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('Labels', () => {
  test('label keys and their values are listed with their contact counts', async () => {
    const { page, errors } = await open('/labels');
    await statusLine(page, 'Page 1: label keys 1–2 (last page).');
    expect(await tableRows(page, 'Label keys')).toEqual([
      ['source', '2'],
      ['tier', '6'],
    ]);
    expect((await api('GET', '/v1/labels')).body.items).toEqual([
      { key: 'source', contactCount: 2 },
      { key: 'tier', contactCount: 6 },
    ]);
    await screenshot(page, 'labels');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'tier' }).click();
    await page.getByRole('heading', { name: 'Label “tier”' }).waitFor();
    await statusLine(page, 'Page 1: values 1–3 (last page).');
    expect((await tableRows(page, 'Values of tier')).map((r) => r.slice(1))).toEqual([
      ['Silver', '1'],
      ['gold', '3'],
      ['silver', '2'],
    ]);
    expect((await api('GET', '/v1/labels/tier/values')).body.items).toEqual([
      { value: 'Silver', contactCount: 1 },
      { value: 'gold', contactCount: 3 },
      { value: 'silver', contactCount: 2 },
    ]);
    await screenshot(page, 'labels-values');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('values are paged by cursor', async () => {
    const { page, errors } = await open('/labels/tier?limit=25');
    await statusLine(page, 'Page 1: values 1–3 (last page).');
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('values merged into one as a job: the preview, the progress to done, and the counts after', async () => {
    const { page, errors } = await open('/labels/tier');
    await statusLine(page, 'Page 1: values 1–3 (last page).');
    await page.getByLabel('Select Silver', { exact: true }).check();
    await page.getByLabel('Select silver', { exact: true }).check();
    await page.getByLabel('Merge the 2 selected values into').fill('silver');
    await page.getByRole('button', { name: 'Preview merge' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge “Silver”, “silver” into “silver” (key “tier”)' });
    await dialog.getByText('1 contacts would be rewritten, as a job.').waitFor();
    await dialog.getByRole('button', { name: 'Merge values' }).click();
    await dialog.locator('[data-job-status="succeeded"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await dialog.locator('.job-progress-text').textContent()).toBe('1 of 1 processed: done');
    await screenshot(page, 'labels-merge-done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await statusLine(page, /Merged into “silver”\. Page 1: values 1–2 \(last page\)\./);
    expect((await tableRows(page, 'Values of tier')).map((r) => r.slice(1))).toEqual([
      ['gold', '3'],
      ['silver', '3'],
    ]);
    expect((await api('GET', '/v1/labels/tier/values')).body.items).toEqual([
      { value: 'gold', contactCount: 3 },
      { value: 'silver', contactCount: 3 },
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a key renamed as a job; a bad new key is refused with its field', async () => {
    const { page, errors } = await open('/labels/source');
    await statusLine(page, 'Page 1: values 1–1 (last page).');
    await page.getByLabel('Rename the key “source” to').fill('bad key!');
    await page.getByRole('button', { name: 'Preview rename' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').locator('li').allTextContents()).toEqual(['body.to: letters, digits, "_" and "-" only']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByLabel('Rename the key “source” to').fill('origin');
    await page.getByRole('button', { name: 'Preview rename' }).click();
    dialog = page.getByRole('dialog', { name: 'Rename label key “source” to “origin”' });
    await dialog.getByText('2 contacts would be rewritten, as a job.').waitFor();
    await dialog.getByRole('button', { name: 'Rename key' }).click();
    await dialog.locator('[data-job-status="succeeded"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await dialog.locator('.job-progress-text').textContent()).toBe('2 of 2 processed: done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Label “origin”' }).waitFor();
    await statusLine(page, 'Page 1: values 1–1 (last page).');
    expect((await tableRows(page, 'Values of origin')).map((r) => r.slice(1))).toEqual([['web', '2']]);
    expect((await api('GET', '/v1/labels')).body.items).toEqual([
      { key: 'origin', contactCount: 2 },
      { key: 'tier', contactCount: 6 },
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
