// The console's sign-in and frame in a real browser against the real api: a wrong key is refused
// with the API's problem and not kept, a right one lands on Contacts and lives in sessionStorage
// until sign-out; the keyboard alone reaches the skip link, the navigation and the search box.
import type { Browser, Page } from 'playwright-core';
import { useApiHarness } from '../support/api-harness';
import { axeViolations, launchBrowser, newPage, screenshot, SESSION_KEY, signedInPage } from './browser';

const ctx = useApiHarness();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const storedKey = (page: Page) => page.evaluate((name) => (globalThis as any).sessionStorage.getItem(name) as string | null, SESSION_KEY);

test('a wrong key is refused with the problem and its field; the right key lands on Contacts; sign-out forgets it', async () => {
  const { page, errors } = await newPage(browser);
  await page.goto(`${ctx.h.api.url}/console`);
  await page.waitForURL(/\/console\/sign-in$/);
  await page.getByLabel('API key').waitFor();
  await screenshot(page, 'sign-in');
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel('API key').fill('not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const problem = page.getByRole('alert');
  await problem.waitFor();
  expect(await problem.locator('.problem-title').textContent()).toBe('Unauthorized (401)');
  expect(await problem.locator('li').allTextContents()).toEqual(['headers.x-api-key: must be a valid API key that is not revoked']);
  expect(page.url()).toMatch(/\/console\/sign-in$/);
  expect(await storedKey(page)).toBeNull();
  await screenshot(page, 'sign-in-refused');
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel('API key').fill(ctx.ws.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/contacts$/);
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  expect(await storedKey(page)).toBe(ctx.ws.key);
  expect(await page.evaluate(() => (globalThis as any).localStorage.length as number)).toBe(0);
  expect(await page.title()).toBe('Contacts · Segmenter console');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/console\/sign-in$/);
  expect(await storedKey(page)).toBeNull();
  // Signed out, a screen's address leads back to sign-in.
  await page.goto(`${ctx.h.api.url}/console/tags`);
  await page.waitForURL(/\/console\/sign-in$/);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('keyboard alone: Tab reaches the skip link, the navigation and the search box, with a visible focus; Enter on a link navigates', async () => {
  const { page, errors } = await signedInPage(browser, ctx.h.api.url, ctx.ws.key, '/contacts');
  await page
    .getByRole('status')
    .filter({ hasText: /^(Page 1|No contacts)/ })
    .waitFor();
  const focused = () =>
    page.evaluate(() => {
      const w = globalThis as any;
      const el = w.document.activeElement;
      return {
        text: String(el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
        id: String(el.id),
        tag: String(el.tagName),
        outline: String(w.getComputedStyle(el).outlineStyle),
      };
    });

  await page.keyboard.press('Tab');
  expect(await focused()).toMatchObject({ tag: 'A', text: 'Skip to content' });
  expect((await focused()).outline).not.toBe('none');
  const visited: string[] = [];
  for (let i = 0; i < 20 && (await focused()).id !== 'contact-search'; i++) {
    await page.keyboard.press('Tab');
    visited.push((await focused()).text);
  }
  expect(visited.slice(0, 6)).toEqual(['Contacts', 'Tags', 'Labels', 'Segments', 'Imports', 'Analytics']);
  expect(await focused()).toMatchObject({ id: 'contact-search', tag: 'INPUT' });
  expect((await focused()).outline).not.toBe('none');

  // The skip link jumps over the navigation to the screen's content.
  await page.goto(`${ctx.h.api.url}/console/contacts`);
  await page
    .getByRole('status')
    .filter({ hasText: /^(Page 1|No contacts)/ })
    .waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => String((globalThis as any).document.activeElement?.id))).toBe('content');

  // Enter on a navigation link opens its screen.
  await page.goto(`${ctx.h.api.url}/console/contacts`);
  await page
    .getByRole('status')
    .filter({ hasText: /^(Page 1|No contacts)/ })
    .waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect((await focused()).text).toBe('Tags');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console\/tags$/);
  await page.getByRole('heading', { name: 'Tags', level: 1 }).waitFor();
  expect(errors).toEqual([]);
  await page.context().close();
});
