// Helpers for the browser end-to-end tests: launch an isolated Chromium, wait on locators with
// bounded timeouts (vitest's expect does not auto-wait), and save screenshots.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
export const DEFAULT_WAIT_MS = 15_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests seen by this browser, for failure reports. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Launches a separate Chromium with its own fresh user-data dir (no shared cookies or storage
 * with any other session) and returns its first page.
 */
export async function launchBrowser(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'parley-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: 'en-US',
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(DEFAULT_WAIT_MS);
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Saves a full-page screenshot to test/browser/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Waits until the locator's element is visible; the error names the locator. */
export async function waitForVisible(locator: Locator, timeout = DEFAULT_WAIT_MS): Promise<Locator> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (error) {
    throw new Error(`Timed out after ${timeout} ms waiting for ${locator} to be visible.\n${(error as Error).message}`);
  }
  return locator;
}

/** Waits until the locator's element is hidden or gone. */
export async function waitForHidden(locator: Locator, timeout = DEFAULT_WAIT_MS): Promise<void> {
  try {
    await locator.waitFor({ state: 'hidden', timeout });
  } catch (error) {
    throw new Error(`Timed out after ${timeout} ms waiting for ${locator} to be hidden.\n${(error as Error).message}`);
  }
}

async function readText(locator: Locator, remaining: number): Promise<string> {
  try {
    return await locator.innerText({ timeout: Math.max(500, Math.min(2_000, remaining)) });
  } catch (error) {
    return `<not readable: ${(error as Error).message.split('\n')[0]}>`;
  }
}

/** Polls until the locator's (whitespace-normalized) text contains `text`; returns that text. */
export async function waitForText(locator: Locator, text: string, timeout = DEFAULT_WAIT_MS): Promise<string> {
  return waitForTexts(locator, [text], { timeout, ordered: false });
}

/**
 * Polls until the locator's text contains all `texts` (and, with `ordered`, in that order).
 * Returns the text seen; the error shows what was last seen.
 */
export async function waitForTexts(
  locator: Locator,
  texts: string[],
  { timeout = DEFAULT_WAIT_MS, ordered = true }: { timeout?: number; ordered?: boolean } = {},
): Promise<string> {
  const deadline = Date.now() + timeout;
  const wanted = texts.map(normalize);
  let seen = '';
  for (;;) {
    seen = normalize(await readText(locator, deadline - Date.now()));
    const positions = wanted.map((text) => seen.indexOf(text));
    const present = positions.every((position) => position >= 0);
    const inOrder = positions.every((position, i) => i === 0 || position > positions[i - 1]!);
    if (present && (!ordered || inOrder)) return seen;
    if (Date.now() >= deadline) {
      const what = present ? 'in this order' : `to contain ${wanted.filter((_, i) => positions[i]! < 0).map((t) => JSON.stringify(t)).join(', ')}`;
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${locator} ${ordered && present ? `to contain ${JSON.stringify(wanted)} ` : ''}${what}.\n` +
          `Last seen text: ${JSON.stringify(seen.length > 1_500 ? `…${seen.slice(-1_500)}` : seen)}`,
      );
    }
    await sleep(250);
  }
}
