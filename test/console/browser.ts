// The browser tests' one door to Chromium: Debian's chromium (CHROMIUM_PATH overrides
// /usr/bin/chromium) driven by playwright-core, a page signed in to the console of a running api,
// screenshots for docs/console/ and an axe-core check. Every test file of test/console uses these.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DEFAULT_CONSOLE_DIR } from '../../services/api/src/console/console-routes';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'console');

// A test fails loudly when a dependency is missing rather than skipping (a skipped test tests nothing).
function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(DEFAULT_CONSOLE_DIR, 'index.html'))) {
    throw new Error(`the console is not built (${DEFAULT_CONSOLE_DIR}): npm run build -w services/console (./dev test builds it)`);
  }
}

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary profile
 * (--user-data-dir) and deletes it on close, so no cookie or storage survives between runs.
 */
export async function launchBrowser(): Promise<Browser> {
  checkPrerequisites();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Errors the page raised or logged (a CSP refusal is logged as one): a test can assert there were none. */
export type PageErrors = string[];

/** The key the console keeps in sessionStorage (services/console/src/session/session.ts). */
export const SESSION_KEY = 'segmenter.console.apiKey';

/** A new page (in its own context: own sessionStorage) that collects its errors. */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: PageErrors }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: PageErrors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    // A 4xx the console asked for on purpose (a wrong key) is logged by Chromium as a failed resource: not a page error.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.setDefaultTimeout(15_000);
  return { page, errors };
}

/**
 * A page of the console, signed in with `apiKey` (kept in sessionStorage as the sign-in page keeps
 * it), opened at `path` (under /console, e.g. `/contacts?tab=deleted`).
 */
export async function signedInPage(browser: Browser, apiUrl: string, apiKey: string, path = '/contacts'): Promise<{ page: Page; errors: PageErrors }> {
  const opened = await newPage(browser);
  await opened.page.goto(`${apiUrl}/console/sign-in`);
  await opened.page.evaluate(([name, key]) => (globalThis as any).sessionStorage.setItem(name, key), [SESSION_KEY, apiKey]);
  await opened.page.goto(`${apiUrl}/console${path}`);
  await opened.page.locator('main#content').waitFor();
  return opened;
}

/** Saves docs/console/<name>.png when CONSOLE_SCREENSHOTS=1 (the images docs/console.md shows). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.CONSOLE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and returns its violations of the given impacts (serious and critical
 * by default). The script is evaluated through the DevTools protocol, which the page's CSP allows.
 */
export async function axeViolations(page: Page, impacts: string[] = ['serious', 'critical']): Promise<AxeViolation[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    // Runs in the page (the repository's types have no DOM): axe-core's global and the document.
    const page = globalThis as any;
    const result: { violations: any[]; passes: any[] } = await page.axe.run(page.document);
    // No rule run at all would be a check that cannot fail: say so instead of "no violation".
    if (result.passes.length + result.violations.length === 0) throw new Error('axe-core ran no rule on the page');
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => String(n.target)) }));
  });
  return (violations as AxeViolation[]).filter((v) => v.impact !== null && impacts.includes(v.impact));
}
