// Shared by the widget tests: steps of a journey that stop at the first failure and leave a
// screenshot of every browser involved, and the ways into <parley-chat>'s shadow root.
import { test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { saveScreenshot, type BrowserSession } from './browser.js';

/** The widget on a page; role locators pierce its (open) shadow roots. */
export const widget = (page: Page): Locator => page.locator('parley-chat');

/**
 * Returns `step(name, body)`: a test that is skipped once an earlier step failed, and that adds
 * screenshots and browser problems of `sessions()` to its failure.
 */
export function journey(prefix: string, sessions: () => Record<string, BrowserSession | undefined>) {
  let failed: string | undefined;
  return function step(name: string, body: () => Promise<void>, timeout?: number): void {
    test(
      name,
      async (context) => {
        if (failed) context.skip(`skipped: earlier step failed (${failed})`);
        try {
          await body();
        } catch (error) {
          failed = name;
          const notes: string[] = [];
          for (const [who, session] of Object.entries(sessions())) {
            if (!session) continue;
            const shot = await saveScreenshot(session.page, `FAILED-${prefix}-${name}-${who}`).catch(
              (e: Error) => `(no screenshot: ${e.message})`,
            );
            notes.push(`${who} page ${session.page.url()} screenshot: ${shot}`);
            notes.push(`${who} widget text: ${await widgetText(session.page).catch((e: Error) => `(unreadable: ${e.message})`)}`);
            if (session.problems.length) notes.push(`${who} browser problems:\n  ${session.problems.slice(-20).join('\n  ')}`);
          }
          if (error instanceof Error) error.message += `\n\n${notes.join('\n')}`;
          throw error;
        }
      },
      timeout,
    );
  };
}

/** Records Content-Security-Policy violations from the first script on, for a test to read. */
export async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

export const cspViolations = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);

/** Everything the widget shows, through its nested shadow roots: what a failed step saw. */
function widgetText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        const text = node.textContent?.trim();
        if (text) parts.push(text);
        return;
      }
      if (node instanceof Element) {
        if (node.tagName === 'STYLE') return;
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      node.childNodes.forEach(walk);
    };
    document.querySelectorAll('parley-chat').forEach(walk);
    return parts.join(' | ').slice(0, 2_000);
  });
}

let nextAddress = 1;

/**
 * Makes every chat or ticket this page starts come from an address of its own, as separate
 * visitors' do: the per-address start limit (tested in the Workers tests) then counts each test
 * visitor apart instead of the whole suite as one.
 */
export async function ownAddress(page: Page): Promise<void> {
  const address = `198.51.${process.pid % 256}.${nextAddress++}`;
  await page.route(/\/api\/widget\/channels\/[^/]+\/(conversations|tickets)$/, (route) =>
    route.continue({ headers: { ...route.request().headers(), 'cf-connecting-ip': address } }),
  );
}
