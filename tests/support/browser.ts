import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type PageScreenshotOptions } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Chromium's headless-only build (`apt-get install -y chromium-headless-shell`; `.ci/run` installs
 * it when missing): the same engine and version as the browser, without its window layer, and the
 * build Playwright itself runs for headless tests. Measured on the ten browser files, back to back:
 * 55 CPU-seconds instead of 77 with the full browser.
 */
export const CHROMIUM_HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';

/** The full system Chromium (`apt-get install -y chromium`), used when the headless shell is not installed. */
export const CHROMIUM_BROWSER_PATH = '/usr/bin/chromium';

/** The Chromium the browser tests drive: the headless shell when installed, else the full browser. */
export const CHROMIUM_PATH = existsSync(CHROMIUM_HEADLESS_SHELL_PATH) ? CHROMIUM_HEADLESS_SHELL_PATH : CHROMIUM_BROWSER_PATH;

/**
 * Browser tests skip only on a developer machine without Chromium; with `CI` set they always run
 * (and fail loudly if Chromium is missing).
 */
export const skipBrowserTests = !existsSync(CHROMIUM_PATH) && !process.env.CI;
if (skipBrowserTests) {
  console.warn(`Browser tests SKIPPED: neither ${CHROMIUM_HEADLESS_SHELL_PATH} nor ${CHROMIUM_BROWSER_PATH} found. Install one with \`apt-get update && apt-get install -y chromium-headless-shell\`; with CI set they never skip.`);
}

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A phone-sized browser context (390×844) for the customers' pages: any dialog a page opens (an
 * injected `alert`) is dismissed and fails the test.
 */
export async function phoneContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  ctx.on('page', (p) => p.on('dialog', (d) => void d.dismiss().then(() => expect.fail(`a dialog opened: ${d.message()}`))));
  return ctx;
}

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ target: unknown }>;
}

/**
 * Runs axe-core in the page (WCAG 2.x A/AA rules plus best practices). The page's CSP forbids
 * scripts, so the context running this must be created with `bypassCSP: true`.
 * @returns the serious and critical violations
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    // Runs in the browser: the page's globals, not Node's.
    const g = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const result = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * A full-page screenshot, taken again once when Chromium answers "Unable to capture screenshot": it
 * does when the frame for the page's full height is not ready yet (a fresh-clone CI run met it once
 * in the headless shell, on a loaded machine, for one of 28 console pages). Any other error, or the
 * same one twice, fails the test.
 */
export async function fullPageScreenshot(page: Page, options: Omit<PageScreenshotOptions, 'fullPage'>): Promise<void> {
  try {
    await page.screenshot({ ...options, fullPage: true });
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes('Unable to capture screenshot')) throw err;
    console.warn(`Chromium could not capture ${String(options.path ?? 'a screenshot')} (${page.url()}); taking it again`);
    await page.screenshot({ ...options, fullPage: true });
  }
}
