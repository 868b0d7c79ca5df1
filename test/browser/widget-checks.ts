// What the widget screen tests check on every screen: nothing wider than the window, the composer
// inside what is visible, and axe-core (WCAG 2.2 AA rules) on the widget alone (the hostile host
// page around it is not ours to judge).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot } from './browser.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string | null; nodes: { target: unknown; failureSummary?: string }[] };

/** Serious and critical axe violations inside <parley-chat>, with where and why. */
export async function axeProblems(page: Page): Promise<unknown[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(
      { include: [['parley-chat']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] },
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, why: n.failureSummary })) }));
  });
}

/** Elements of the widget that stick out of the window sideways, or boxes that scroll sideways. */
export function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const width = document.documentElement.clientWidth;
    const walk = (root: ParentNode) => {
      for (const el of root.querySelectorAll('*')) {
        const rect = el.getBoundingClientRect();
        const visible = rect.width > 0 && rect.height > 0 && getComputedStyle(el).visibility !== 'hidden';
        const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().replace(/\s+/g, '.')}` : ''}`;
        if (visible && !el.closest('.sr-only') && (rect.right > width + 1 || rect.left < -1)) found.push(`${name} ${Math.round(rect.left)}..${Math.round(rect.right)} of ${width}`);
        const style = getComputedStyle(el);
        if (visible && /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) found.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document.querySelector('parley-chat')!.shadowRoot!);
    return found;
  });
}

/** The message box's box, against the visual viewport (what the on-screen keyboard leaves). */
export function composerBox(page: Page) {
  return page.evaluate(() => {
    const find = (root: ShadowRoot | null): HTMLTextAreaElement | null => {
      if (!root) return null;
      const here = root.querySelector<HTMLTextAreaElement>('.composer textarea');
      if (here) return here;
      for (const el of root.querySelectorAll('*')) {
        const inner = find(el.shadowRoot);
        if (inner) return inner;
      }
      return null;
    };
    const textarea = find(document.querySelector('parley-chat')!.shadowRoot);
    const rect = textarea?.getBoundingClientRect();
    const viewport = window.visualViewport!;
    return rect ? { top: rect.top, bottom: rect.bottom, visibleTop: viewport.offsetTop, visibleBottom: viewport.offsetTop + viewport.height } : null;
  });
}

/** Screenshot, no sideways overflow, no serious or critical axe violation: what every screen must pass. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  expect(await overflow(page), `${name}: overflow`).toEqual([]);
  expect(await axeProblems(page), `${name}: axe`).toEqual([]);
}
