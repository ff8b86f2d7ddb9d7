// The segment builder in a real browser against the real stack (api, indexer, Postgres, Kafka,
// Elasticsearch): a segment typed character by character and counted, a syntax error underlined
// where the API says it is, completion of a tag name and a label value by keyboard, the form and
// the text kept in sync, the explain funnel beside each condition, and save, list and delete,
// each checked against the API's own answer.
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/test-environment';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, indexer: true });
let browser: Browser;
const SEEDED = 12;
const TIERS = ['gold', 'silver', 'bronze'];

beforeAll(async () => {
  browser = await launchBrowser();
  const { h, ws } = ctx;
  for (const name of ['Hot Lead', 'VIP']) expect((await h.request('POST', '/v1/tags', { key: ws.key, body: { name } })).status).toBe(201);
  for (let i = 0; i < SEEDED; i++) {
    const tags = [...(i % 2 === 0 ? ['Hot Lead'] : []), ...(i % 4 === 0 ? ['VIP'] : [])];
    const res = await h.request('POST', '/v1/contacts', {
      key: ws.key,
      body: {
        email: `member${String(i).padStart(2, '0')}@segments.example.com`,
        ...(i % 3 === 0 ? { phone: `+1415555${String(i).padStart(4, '0')}` } : {}),
        firstName: 'Member',
        lastName: `Number${i}`,
        tags,
        labels: { tier: TIERS[i % 3]! },
        ...(i === 6 ? { emailStatus: 'unsubscribed' } : {}),
      },
    });
    expect(res.status).toBe(201);
  }
  // Counts read the search index: wait until the indexer has every contact.
  await eventually(
    () => apiCount('label:tier EXISTS AND email_status IN [unsubscribed]'),
    (n) => n === 1,
  );
  await eventually(
    () => apiCount('label:tier EXISTS'),
    (n) => n === SEEDED,
  );
}, 180_000);
afterAll(async () => browser?.close());

async function apiCountAnswer(text: string): Promise<any> {
  const res = await ctx.h.request('POST', '/v1/segments/count', { key: ctx.ws.key, body: { queries: [{ text }] } });
  expect(res.status).toBe(200);
  return res.body.results[0];
}
async function apiCount(text: string): Promise<number> {
  return (await apiCountAnswer(text)).total;
}

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  const opened = await signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
  return opened;
}

/** CodeMirror takes Enter as a pick only 75 ms after its list opens (interactionDelay, so a fast typist's Enter is not taken as one): a person's pace. */
async function pick(page: Page): Promise<void> {
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

const editor = (page: Page) => page.locator('.segment-editor .cm-content');
/** The editor's text, line by line as CodeMirror draws it (the editor lives in a shadow root, which Playwright's selectors pierce). */
const editorText = (page: Page) =>
  editor(page).evaluate((el: any) => [...el.querySelectorAll('.cm-line')].map((line: any) => String(line.textContent)).join('\n'));
async function waitForText(page: Page, text: string): Promise<void> {
  await editor(page).locator('.cm-line').filter({ hasText: text }).waitFor();
  expect(await editorText(page)).toBe(text);
}

async function clearEditor(page: Page): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
}

/** Waits until the count line shows `total` (not while counting), and reads the sendable totals beside it. */
async function countShown(page: Page, total: number): Promise<{ email: number; phone: number }> {
  const line = page.getByTestId('segment-count');
  await page.locator('[data-testid="segment-count"][aria-busy="false"]').waitFor();
  await line
    .getByTestId('segment-total')
    .filter({ hasText: new RegExp(`^${total}$`) })
    .waitFor();
  return { email: Number(await line.getByTestId('sendable-email').textContent()), phone: Number(await line.getByTestId('sendable-phone').textContent()) };
}

test('typed character by character, the count follows the text, as POST /v1/segments/count counts it', async () => {
  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  await page.keyboard.type('tag:"Hot Lead"', { delay: 25 });
  const hot = await apiCountAnswer('tag:"Hot Lead"');
  expect(hot.total).toBe(6);
  expect(await countShown(page, hot.total)).toEqual(hot.sendable);

  await page.keyboard.press('Escape');
  await page.keyboard.type(' AND label:tier = gold', { delay: 25 });
  const both = await apiCountAnswer('tag:"Hot Lead" AND label:tier = gold');
  expect(both.total).toBe(2);
  expect(await countShown(page, both.total)).toEqual(both.sendable);
  expect(both.sendable).toEqual({ email: 1, phone: 2 });

  // The first contacts of the segment, as the preview answers them.
  const preview = page.getByTestId('segment-preview');
  await preview.locator('tbody tr').nth(1).waitFor();
  const emails = await preview.locator('tbody tr td:first-child').allTextContents();
  expect(emails.sort()).toEqual(['member00@segments.example.com', 'member06@segments.example.com']);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a count still running when the text changes is cancelled, and its answer never shown', async () => {
  const { page, errors } = await open('/segments/new');
  // The count of the first text is held back 2 s on its way to the api (the api and the index answer it for real).
  const held = 'tag:VIP';
  await page.route('**/v1/segments/count', async (route) => {
    if (route.request().postDataJSON()?.queries?.[0]?.text === held) await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.continue().catch(() => undefined);
  });
  const aborted: string[] = [];
  page.on('requestfailed', (request) => {
    if (request.url().endsWith('/v1/segments/count')) aborted.push(`${request.postDataJSON()?.queries?.[0]?.text}: ${request.failure()?.errorText}`);
  });
  await editor(page).click();
  await page.keyboard.type(held);
  await page.keyboard.press('Escape');
  await page.waitForRequest((request) => request.url().endsWith('/v1/segments/count') && request.postDataJSON()?.queries?.[0]?.text === held);
  await page.keyboard.type(' AND label:tier = gold');
  const final = await apiCountAnswer('tag:VIP AND label:tier = gold');
  expect([final.total, await apiCount(held)]).toEqual([1, 3]);
  await countShown(page, final.total);
  // Past the held answer's time: the count shown is still the final text's.
  await page.waitForTimeout(2_500);
  expect(await page.getByTestId('segment-total').textContent()).toBe(String(final.total));
  expect(aborted).toEqual([`${held}: net::ERR_ABORTED`]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a syntax error is underlined at the line and column the API answers, with its message', async () => {
  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  const text = 'label:tier IN [gold silver]';
  await page.keyboard.type(text);
  const answer = await apiCountAnswer(text);
  expect(answer.status).toBe(400);
  const rule: string = answer.errors[0].rule;
  expect(rule).toBe('line 1, column 21: expected "," or "]", found "silver"');

  const underline = page.locator('.segment-editor .cm-lintRange-error');
  await underline.waitFor();
  expect(await underline.allTextContents()).toEqual(['silver']);
  // The underline starts where column 21 is: the text before it on screen is the text's first 20 characters.
  const before = await underline.evaluate((el: any) => {
    const range = el.ownerDocument.createRange();
    range.setStart(el.closest('.cm-line'), 0);
    range.setEndBefore(el);
    return range.toString();
  });
  expect(before).toBe(text.slice(0, 20));
  await page.getByTestId('segment-errors').getByText(rule).waitFor();
  expect(await page.getByTestId('segment-count').textContent()).toBe('Not counted: the text has an error.');
  expect(errors).toEqual([]);
  await page.context().close();
});

test('completion offers a seeded tag name and a label value, picked with the keyboard', async () => {
  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  await page.keyboard.type('tag:Ho');
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.filter({ hasText: 'Hot Lead' }).waitFor();
  expect(await page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]').textContent()).toContain('Hot Lead');
  await pick(page);
  expect(await editorText(page)).toBe('tag:"Hot Lead"');

  await page.keyboard.type(' AND label:ti');
  await options.filter({ hasText: /^tier/ }).waitFor();
  await pick(page);
  await page.keyboard.type(' = ');
  await page.keyboard.press('Control+Space');
  await options.filter({ hasText: 'silver' }).waitFor();
  expect((await options.allTextContents()).map((o) => o.replace(/value of tier$/, '')).sort()).toEqual([...TIERS].sort());
  // Down the list to silver (arrows too wait for the interaction delay), then Enter.
  await page.waitForTimeout(150);
  for (let i = 0; i < 3; i++) {
    if ((await page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]').textContent())?.startsWith('silver')) break;
    await page.keyboard.press('ArrowDown');
  }
  await pick(page);
  expect(await editorText(page)).toBe('tag:"Hot Lead" AND label:tier = silver');
  await countShown(page, await apiCount('tag:"Hot Lead" AND label:tier = silver'));
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the form and the text stay in sync both ways, and a form change is counted', async () => {
  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  await page.keyboard.type('tag:"Hot Lead" AND label:tier = gold');
  await page.keyboard.press('Escape');
  const rows = page.getByTestId('condition-row');
  await rows.nth(1).waitFor();
  expect(await rows.count()).toBe(2);
  expect(await rows.nth(1).getByLabel('Label key').inputValue()).toBe('tier');
  expect(await rows.nth(1).getByLabel('Value').inputValue()).toBe('gold');

  // Form -> text: a value typed in the form, then the group switched to OR.
  await rows.nth(1).getByLabel('Value').fill('bronze');
  await waitForText(page, 'tag:"Hot Lead" AND label:tier = bronze');
  await countShown(page, await apiCount('tag:"Hot Lead" AND label:tier = bronze'));
  await page.getByLabel('Match').selectOption('or');
  expect(await editorText(page)).toBe('tag:"Hot Lead" OR label:tier = bronze');
  const either = await apiCountAnswer('tag:"Hot Lead" OR label:tier = bronze');
  expect(either.total).toBe(8);
  expect(await countShown(page, either.total)).toEqual(either.sendable);

  // A condition added and negated in the form.
  await page.getByRole('button', { name: 'Add condition to this group' }).click();
  await rows.nth(2).getByLabel('Condition', { exact: true }).selectOption('sendable');
  await rows.nth(2).getByLabel('NOT').check();
  expect(await editorText(page)).toBe('tag:"Hot Lead" OR label:tier = bronze OR NOT sendable:email');
  await page.getByRole('button', { name: 'Remove condition 3' }).click();
  expect(await editorText(page)).toBe('tag:"Hot Lead" OR label:tier = bronze');

  // Text -> form: typed text that parses redraws the form.
  await clearEditor(page);
  await page.keyboard.type('email_status IN [unsubscribed]');
  await page.keyboard.press('Escape');
  await page.getByLabel('Channel').waitFor();
  expect(await rows.count()).toBe(1);
  expect(await page.getByLabel('unsubscribed').isChecked()).toBe(true);
  expect(await page.getByLabel('active').isChecked()).toBe(false);
  await countShown(page, 1);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the explain funnel beside each condition of an AND gives the API explain counts, and the builder passes axe', async () => {
  const { h, ws } = ctx;
  const text = 'tag:"Hot Lead" AND label:tier = gold';
  const explained = await h.request('POST', '/v1/segments/explain', { key: ws.key, body: { query: { text } } });
  expect(explained.status).toBe(200);
  const tree = explained.body.tree;
  const expected = tree.conditions.map(
    (c: any, i: number) => `${c.count} match · ${tree.funnel[i].remaining} remain (−${tree.funnel[i].removed})${tree.biggestCut === i ? ', biggest cut' : ''}`,
  );
  expect(expected).toEqual([`6 match · 6 remain (−6), biggest cut`, `4 match · 2 remain (−4)`]);

  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
  const counts = page.getByTestId('explain-counts');
  await counts.nth(1).waitFor();
  expect(await counts.allTextContents()).toEqual(expected);
  expect(await page.getByTestId('explain-summary').textContent()).toBe(`${SEEDED} contacts in the workspace; 2 in the segment.`);
  await page.getByTestId('segment-preview').waitFor();
  await page.getByLabel('Name').fill('Hot gold leads');
  await screenshot(page, 'segments-builder');
  expect(await axeViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('a segment is saved, listed with its count, opened, and deleted after its dry run', async () => {
  const { h, ws } = ctx;
  const { page, errors } = await open('/segments/new');
  await editor(page).click();
  await page.keyboard.type('label:tier IN [gold, silver] AND sendable:email');
  await page.keyboard.press('Escape');
  const answer = await apiCountAnswer('label:tier IN [gold, silver] AND sendable:email');
  await countShown(page, answer.total);
  await page.getByLabel('Name').fill('Gold and silver, emailable');
  await page.getByRole('button', { name: 'Save segment' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved Gold and silver, emailable.' }).waitFor();
  await page.waitForURL(/\/console\/segments\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  const saved = await h.request('GET', `/v1/segments/${id}`, { key: ws.key });
  expect(saved.status).toBe(200);
  expect([saved.body.name, saved.body.text]).toEqual(['Gold and silver, emailable', 'label:tier IN [gold, silver] AND sendable:email']);

  await page.getByRole('link', { name: 'Segments' }).click();
  const row = page.locator(`tr[data-segment-id="${id}"]`);
  await page.locator('table[aria-busy="false"]').waitFor();
  await row.waitFor();
  const cells = await row.locator('th, td').allTextContents();
  expect(cells.slice(0, 5)).toEqual([
    'Gold and silver, emailable',
    'label:tier IN [gold, silver] AND sendable:email',
    String(answer.total),
    String(answer.sendable.email),
    String(answer.sendable.phone),
  ]);
  await screenshot(page, 'segments-list');
  expect(await axeViolations(page)).toEqual([]);

  // Opened again, its text is in the editor.
  await row.getByRole('link', { name: 'Open Gold and silver, emailable' }).click();
  await waitForText(page, 'label:tier IN [gold, silver] AND sendable:email');
  await countShown(page, answer.total);
  await page.goBack();

  await page.getByRole('button', { name: 'Delete Gold and silver, emailable' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('No other segment uses it.').waitFor();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'Deleted Gold and silver, emailable.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  expect((await h.request('GET', `/v1/segments/${id}`, { key: ws.key })).status).toBe(404);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('deleting a segment another one uses shows the user and the refusal from its dry run, and deletes nothing', async () => {
  const { h, ws } = ctx;
  const used = await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'Aa gold tier', text: 'label:tier = gold' } });
  expect(used.status).toBe(201);
  const user = await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'Ab gold and hot', text: `segment:${used.body.id} AND tag:"Hot Lead"` } });
  expect(user.status).toBe(201);
  const userCount = await apiCount(`segment:${used.body.id} AND tag:"Hot Lead"`);

  const { page, errors } = await open('/segments');
  await page.locator('table[aria-busy="false"]').waitFor();
  await page.getByRole('button', { name: 'Delete Aa gold tier' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('delete-dependents').waitFor();
  expect(await dialog.getByTestId('delete-dependents').locator('li').allTextContents()).toEqual([`Ab gold and hot (direct): ${userCount} contacts`]);
  expect(await dialog.getByRole('alert').textContent()).toContain('Conflict');
  expect(await dialog.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
  // Escape closes the dialog and gives the focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe('Delete Aa gold tier');
  expect((await h.request('GET', `/v1/segments/${used.body.id}`, { key: ws.key })).status).toBe(200);
  expect(errors).toEqual([]);
  await page.context().close();
});
