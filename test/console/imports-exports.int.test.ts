// The Imports screen in a real browser against the real stack (api with its job runner, indexer,
// Postgres, Kafka, Elasticsearch): a CSV file's column mapping shown and changed, the import
// followed to its end, its summary and rejected rows checked against the API; a file the API
// refuses shown with its field; a saved segment exported to CSV and compared with its members.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { rowsPerSecond, secondsLeft } from '../../services/console/src/pages/imports/import-rate';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, type PageErrors, screenshot, signedInPage } from './browser';

const ctx = useApiHarness({ relay: true, jobRunner: true, indexer: true });
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => browser?.close());

async function open(path: string): Promise<{ page: Page; errors: PageErrors }> {
  return signedInPage(browser, ctx.h.api.url, ctx.ws.key, path);
}

/** A minimal CSV reader for the files the API writes (quoted cells with "" escapes, CRLF lines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Clicks `button` and returns the text of the file the browser saves. */
async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

const ROWS = 20;
const BAD_EMAIL_ROW = 5;
const LONG_NAME_ROW = 12;
const emailOf = (n: number) => `imported${String(n).padStart(2, '0')}@console.example.com`;
const tierOf = (n: number) => (n % 2 === 0 ? 'gold' : 'silver');

/** 20 rows; row 5's email is not an email, row 12's first name is past the 100 characters a name may hold. */
function contactsFile(): string {
  const lines = ['E-mail,First Name,Tags,Tier,Notes'];
  for (let n = 1; n <= ROWS; n++) {
    const email = n === BAD_EMAIL_ROW ? 'not-an-email' : emailOf(n);
    const firstName = n === LONG_NAME_ROW ? 'N'.repeat(150) : `Person${n}`;
    lines.push(`${email},${firstName},newsletter,${tierOf(n)},note ${n}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

// The rate and time left the progress screen shows, from its successive polls (at, processed).
describe.each([
  { description: 'one poll: no rate yet', samples: [[0, 0]], total: 100, rate: null, left: null },
  {
    description: 'steady: 50 rows a second',
    samples: [
      [0, 0],
      [1000, 50],
      [2000, 100],
    ],
    total: 400,
    rate: 50,
    left: 6,
  },
  {
    description: 'the last 5 polls only: a slowdown shows at once',
    samples: [
      [0, 0],
      [1000, 1000],
      [2000, 1010],
      [3000, 1020],
      [4000, 1030],
      [5000, 1040],
    ],
    total: 2040,
    rate: 10,
    left: 100,
  },
  {
    description: 'stalled: rate 0, time left unknown',
    samples: [
      [0, 10],
      [1000, 10],
    ],
    total: 100,
    rate: 0,
    left: null,
  },
  {
    description: 'every row processed: the rate measured until then, nothing left',
    samples: [
      [0, 0],
      [1000, 80],
      [2000, 100],
      [3000, 100],
      [4000, 100],
    ],
    total: 100,
    rate: 50,
    left: 0,
  },
  {
    description: 'unknown total: a rate, no time left',
    samples: [
      [0, 0],
      [2000, 100],
    ],
    total: null,
    rate: 50,
    left: null,
  },
])('progress rate: $description', ({ samples, total, rate, left }) => {
  test('rows/s and seconds left', () => {
    const polls = samples.map(([at, processed]) => ({ at: at!, processed: processed! }));
    const measured = rowsPerSecond(polls, total);
    expect(measured).toBe(rate);
    expect(secondsLeft(total, polls[polls.length - 1]!.processed, measured)).toBe(left);
  });
});

test('a CSV import: mapping shown and changed, progress to the end, summary and rejected rows as the API has them, contacts written', async () => {
  const { h, ws } = ctx;
  const { page, errors } = await open('/imports');
  // Keyboard only, from the file input to Start: Space opens the file picker.
  await page.getByLabel('Choose a CSV file').focus();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(contactsFile()) });

  // The mapping: each header with the API's guess.
  const mapping = page.getByRole('table', { name: 'Column mapping' });
  await mapping.waitFor();
  const guesses = await mapping
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelectorAll('td')[1]!.textContent]));
  expect(guesses).toEqual([
    ['E-mail', 'email'],
    ['First Name', 'first_name'],
    ['Tags', 'tags'],
    ['Tier', 'skipped (unknown column)'],
    ['Notes', 'skipped (unknown column)'],
  ]);
  // The file names a tag that does not exist yet, and the Tier column becomes the label "tier".
  await page.getByLabel('Create tags the file names that do not exist').focus();
  await page.keyboard.press('Space');
  // "A label…" is the last target when the workspace has no custom field.
  await page.getByLabel('Import column "Tier" as').focus();
  await page.keyboard.press('End');
  expect(await page.getByLabel('Import column "Tier" as').inputValue()).toBe('label');
  await page.keyboard.press('Tab');
  await page.keyboard.type('tier');
  expect(await page.getByLabel('Label key for column "Tier"').evaluate((input) => input === (globalThis as any).document.activeElement)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'imports-mapping');

  // Enter in the label key submits the mapping: Start import.
  await page.getByLabel('Label key for column "Tier"').press('Enter');
  await page.waitForURL(/\/console\/imports\/[0-9a-f-]{36}$/);
  const importId = page.url().split('/').pop()!;
  await page.locator('.import-status[data-status="succeeded"]').waitFor({ timeout: 60_000 });

  // The bar is full and the counts are the API's.
  const record = (await h.request('GET', `/v1/imports/${importId}`, { key: ws.key })).body;
  expect(record).toMatchObject({ status: 'succeeded', options: { columns: { Tier: 'label:tier' }, createMissingTags: true } });
  expect(record.progress).toMatchObject({ estimatedRows: ROWS, processed: ROWS, created: ROWS - 2, rejected: 2 });
  const bar = page.locator('progress#import-progress-bar');
  expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual([String(ROWS), String(ROWS)]);
  expect(await page.getByTestId('import-counts').textContent()).toBe(`${ROWS} of ${ROWS} rows (100%)`);
  expect(await page.getByTestId('import-eta').textContent()).toBe('0 s');
  const shown = await page
    .locator('.import-summary dl div')
    .evaluateAll((divs) => Object.fromEntries(divs.map((d) => [d.getAttribute('data-count'), Number(d.querySelector('dd')!.textContent!.replace(/\D/g, ''))])));
  const { created, updated, unchanged, skipped, rejected } = record.progress;
  expect(shown).toEqual({ created, updated, unchanged, skipped, rejected });

  // The refused rows, on screen and in the file the browser saves, which is the API's file.
  const reasons = await page.getByRole('table', { name: 'Rejected rows' }).locator('tbody tr').allTextContents();
  expect(reasons).toHaveLength(2);
  const saved = await downloadOf(page, () => page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click());
  expect(saved.name).toBe(`rejected-rows-${importId}.csv`);
  const fromApi = (await h.request('GET', `/v1/imports/${importId}/rejected-rows`, { key: ws.key })).body;
  expect(saved.text).toBe(fromApi);
  const [header, ...rows] = parseCsv(saved.text);
  expect(header).toEqual(['row', 'E-mail', 'First Name', 'Tags', 'Tier', 'Notes', 'error']);
  expect(rows.map((r) => [r[0], r[1]])).toEqual([
    [String(BAD_EMAIL_ROW), 'not-an-email'],
    [String(LONG_NAME_ROW), emailOf(LONG_NAME_ROW)],
  ]);
  expect(rows[0]![6]).toMatch(/^E-mail: .*email/);
  expect(rows[1]![6]).toMatch(/^First Name: must be at most 100 characters/);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'imports-progress');

  // The valid rows are contacts with the mapped fields: first name, the tag, the label from the remapped column.
  const tags = (await h.request('GET', '/v1/tags?limit=100', { key: ws.key })).body.items as { id: string; name: string }[];
  const newsletter = tags.find((t) => t.name === 'newsletter')!;
  const listed = (await h.request('GET', '/v1/contacts?limit=100', { key: ws.key })).body.items as any[];
  const byEmail = new Map(listed.map((c) => [c.email, c]));
  const valid = Array.from({ length: ROWS }, (_, i) => i + 1).filter((n) => n !== BAD_EMAIL_ROW && n !== LONG_NAME_ROW);
  expect([...byEmail.keys()].sort()).toEqual(valid.map(emailOf).sort());
  for (const n of valid) {
    const contact = byEmail.get(emailOf(n));
    expect([contact.firstName, contact.labels, contact.tagIds]).toEqual([`Person${n}`, { tier: tierOf(n) }, [newsletter.id]]);
  }

  // The recent imports list shows it, succeeded.
  await page.getByRole('link', { name: 'All imports' }).click();
  const row = page.locator(`tr[data-import-id="${importId}"]`);
  await row.waitFor();
  expect(await row.locator('td').nth(1).textContent()).toBe('Succeeded');
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);

test('a file without an email or a phone column shows the API refusal with its field, and imports nothing', async () => {
  const { h, ws } = ctx;
  const { page, errors } = await open('/imports');
  // Dropped on the zone rather than chosen: the drag-and-drop path.
  const dataTransfer = await page.evaluateHandle(() => {
    // Runs in the page (the repository's types have no DOM).
    const inPage = globalThis as any;
    const transfer = new inPage.DataTransfer();
    transfer.items.add(new inPage.File(['Name,City\r\nAda,Paris\r\n'], 'no-contact-column.csv', { type: 'text/csv' }));
    return transfer;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.locator('li').allTextContents()).toEqual(['header: the file needs an email or a phone column']);

  // Starting anyway is refused by the same rule: nothing is sent.
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByRole('alert').waitFor();
  expect(page.url()).toMatch(/\/console\/imports$/);
  const imports = (await h.request('GET', '/v1/imports?limit=100', { key: ws.key })).body.items as any[];
  const mine = imports.filter((i) => i.fileName === 'no-contact-column.csv');
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.every((i) => i.status === 'awaiting_file' && i.progress.rowsRead === 0)).toBe(true);
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);

test('a saved segment exported to CSV holds exactly its members', async () => {
  const { h, ws } = ctx;
  const created = await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'Gold tier', text: 'label:tier = gold' } });
  expect(created.status).toBe(201);
  const members = (
    await (
      await fetch(`${h.api.url}/v1/segments/members`, {
        method: 'POST',
        headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { segmentId: created.body.id }, format: 'ndjson', fields: 'id,email' }),
      })
    ).text()
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; email: string });
  // Rows 2, 4, ... 20 are gold; row 12 was refused.
  expect(members).toHaveLength(9);

  const { page, errors } = await open('/imports');
  await page.getByLabel('A saved segment').check();
  await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Gold tier' });
  const saved = await downloadOf(page, () => page.getByRole('button', { name: 'Export to CSV' }).click());
  expect(saved.name).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, ...rows] = parseCsv(saved.text);
  const idColumn = header!.indexOf('id');
  const emailColumn = header!.indexOf('email');
  expect(rows.map((r) => [r[idColumn], r[emailColumn]]).sort()).toEqual(members.map((m) => [m.id, m.email]).sort());
  await page
    .getByRole('status')
    .filter({ hasText: /^Saved contacts-/ })
    .waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'imports-export');

  // A segment text the API cannot parse: nothing is saved, and its problem names the field.
  await page.getByLabel('A segment written as text').check();
  await page.getByLabel('Segment', { exact: true }).fill('label:tier =');
  await page.getByRole('button', { name: 'Export to CSV' }).click();
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.locator('li code').first().textContent()).toMatch(/^body\.segment/);
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);
