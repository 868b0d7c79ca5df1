// Embedding, as host pages really are: the widget on a page of another origin with a strict CSP
// and hostile CSS, loaded twice, re-rendered by a single-page app, slow to arrive; its JS API,
// events, theming and keyboard use.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForHidden, waitForVisible, type BrowserSession } from './browser.js';
import { cspViolations, journey, watchCsp, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const VIEWPORT = { width: 1280, height: 800 };

const launcher = (page: Page, name = 'Open chat') => widget(page).getByRole('button', { name, exact: true });

/** Facts about the launcher as drawn, read from inside the shadow root. */
function launcherLook(page: Page) {
  return page.evaluate(() => {
    const host = document.querySelector('parley-chat')!;
    const button = host.shadowRoot!.querySelector('button')!;
    const box = button.getBoundingClientRect();
    const style = getComputedStyle(button);
    const hostStyle = getComputedStyle(host);
    return {
      right: box.right,
      bottom: box.bottom,
      width: box.width,
      height: box.height,
      background: style.backgroundColor,
      radius: style.borderTopLeftRadius,
      hostOpacity: hostStyle.opacity,
      hostTransform: hostStyle.transform,
      hostFilter: hostStyle.filter,
    };
  });
}

describe.sequential('embedding <parley-chat> in a hostile page of another origin', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  const step = journey('embedding', () => ({ visitor }));

  beforeAll(async () => {
    host = await startHostServer();
    visitor = await launchBrowser({ viewport: VIEWPORT });
    await watchCsp(visitor.page);
  });

  afterAll(async () => {
    await visitor?.close();
    await host?.close();
  });

  step('the launcher appears bottom right, untouched by the page CSS, with no CSP violation', async () => {
    const page = visitor.page;
    const url = host.embed('/plain', { parleyOrigin: baseUrl, attributes: { channel: 'demo' } });
    await page.goto(url);
    await waitForVisible(launcher(page));

    const look = await launcherLook(page);
    expect(look.width).toBe(58);
    expect(look.height).toBe(58);
    expect(VIEWPORT.width - look.right).toBeCloseTo(20, 0);
    expect(VIEWPORT.height - look.bottom).toBeCloseTo(20, 0);
    expect(look.background).toBe('rgb(47, 91, 234)');
    expect(look.hostOpacity).toBe('1');
    expect(look.hostTransform).toBe('none');
    expect(look.hostFilter).toBe('none');

    await launcher(page).click();
    const panel = widget(page).getByRole('dialog');
    await waitForVisible(panel);
    // The panel's text keeps the widget's own font and case, whatever the page says.
    const text = await page.evaluate(() => {
      const panelHost = document.querySelector('parley-chat')!.shadowRoot!.querySelector('parley-panel')!;
      const heading = panelHost.shadowRoot!.querySelector('h2')!;
      const style = getComputedStyle(heading);
      return { font: style.fontFamily, transform: style.textTransform, spacing: style.letterSpacing, color: style.color };
    });
    expect(text.font).not.toMatch(/Comic|Courier/);
    expect(text.transform).toBe('none');
    expect(text.spacing).toBe('normal');
    expect(text.color).toBe('rgb(255, 255, 255)');
    await saveScreenshot(page, 'widget-hostile-host-open');

    expect(await cspViolations(page)).toEqual([]);
    expect(visitor.problems.filter((p) => /Content Security Policy|page error/i.test(p))).toEqual([]);
  });

  step('keyboard: Enter opens, focus moves into the panel, Escape closes and returns focus', async () => {
    const page = visitor.page;
    await page.reload();
    await waitForVisible(launcher(page)).then((l) => l.focus());
    await page.keyboard.press('Enter');
    await waitForVisible(widget(page).getByRole('dialog'));
    await expect.poll(() => page.evaluate(() => {
      let active: Element | null = document.activeElement;
      const path: string[] = [];
      while (active?.shadowRoot?.activeElement) {
        path.push(active.tagName.toLowerCase());
        active = active.shadowRoot.activeElement;
      }
      return [...path, active?.tagName.toLowerCase()].join('>');
    }), { timeout: 10_000 }).toMatch(/^parley-chat>parley-panel>parley-[a-z-]+>/);

    await page.keyboard.press('Escape');
    await waitForHidden(widget(page).getByRole('dialog'));
    await expect.poll(() => page.evaluate(() => document.querySelector('parley-chat')!.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe(
      'Open chat',
    );
  });

  step('open(), close() and toggle() work and fire parley-open / parley-close on the document', async () => {
    const page = visitor.page;
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      for (const type of ['parley-open', 'parley-close']) {
        document.addEventListener(type, (e) => seen.push(`${e.type}:${(e.target as Element).tagName.toLowerCase()}:${e.composed}`));
      }
      const chat = document.querySelector('parley-chat') as HTMLElement & { open(): void; close(): void; toggle(): void };
      chat.open();
    });
    await waitForVisible(widget(page).getByRole('dialog'));
    await waitForVisible(launcher(page, 'Close chat'));
    await page.evaluate(() => (document.querySelector('parley-chat') as HTMLElement & { close(): void }).close());
    await waitForHidden(widget(page).getByRole('dialog'));
    await page.evaluate(() => (document.querySelector('parley-chat') as HTMLElement & { toggle(): void }).toggle());
    await waitForVisible(widget(page).getByRole('dialog'));
    await page.evaluate(() => (document.querySelector('parley-chat') as HTMLElement & { toggle(): void }).toggle());
    await waitForHidden(widget(page).getByRole('dialog'));
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'parley-open:parley-chat:true',
      'parley-close:parley-chat:true',
      'parley-open:parley-chat:true',
      'parley-close:parley-chat:true',
    ]);
  });

  step('the script pasted twice, and once more from another URL, gives one working widget', async () => {
    const page = visitor.page;
    await page.goto(host.embed('/twice', { parleyOrigin: baseUrl, attributes: { channel: 'demo' }, loadTwice: true }));
    await waitForVisible(launcher(page));
    await launcher(page).click();
    await waitForVisible(widget(page).getByRole('dialog'));
    expect(await widget(page).getByRole('button', { name: 'Close chat', exact: true }).count()).toBe(1);
    expect(await widget(page).getByRole('dialog').count()).toBe(1);
    expect(visitor.problems.filter((p) => /page error/i.test(p))).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  });

  step('a single-page app that re-renders the element keeps exactly one working widget', async () => {
    const page = visitor.page;
    // The app replaces its whole view (and so the element) three times, as a router would.
    const script = `
      const app = document.getElementById('app');
      let renders = 0;
      const render = () => {
        renders++;
        app.innerHTML = '<section><h2>View ' + renders + '</h2><parley-chat channel="demo"></parley-chat></section>';
        if (renders < 3) setTimeout(render, 150);
        else document.body.dataset.rendered = 'done';
      };
      setTimeout(render, 100);
    `;
    await page.goto(host.embed('/spa', { parleyOrigin: baseUrl, attributes: { channel: 'demo' }, script }));
    await page.waitForFunction(() => document.body.dataset.rendered === 'done');
    await waitForVisible(launcher(page));
    expect(await page.locator('parley-chat').count()).toBe(1);
    await launcher(page).click();
    await waitForVisible(widget(page).getByRole('dialog'));
    expect(await widget(page).getByRole('dialog').count()).toBe(1);
    expect(visitor.problems.filter((p) => /page error/i.test(p))).toEqual([]);
  });

  step('the page paints before the widget script arrives', async () => {
    const page = visitor.page;
    const url = host.embed('/slow', { parleyOrigin: baseUrl, attributes: { channel: 'demo' } });
    await page.route(`${baseUrl}/widget.js`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    try {
      await page.goto(url, { waitUntil: 'commit' });
      await waitForVisible(launcher(page));
      const timing = await page.evaluate((widgetUrl) => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const script = performance.getEntriesByName(widgetUrl)[0] as PerformanceResourceTiming | undefined;
        return { paint: paint?.startTime ?? null, scriptEnd: script?.responseEnd ?? null };
      }, `${baseUrl}/widget.js`);
      expect(timing.paint).not.toBeNull();
      expect(timing.scriptEnd).not.toBeNull();
      expect(timing.paint!).toBeLessThan(timing.scriptEnd!);
    } finally {
      await page.unroute(`${baseUrl}/widget.js`);
    }
  });

  step('theming: the page sets custom properties and ::part rules', async () => {
    const page = visitor.page;
    const css = `
      parley-chat { --parley-accent: rgb(200, 30, 30); --parley-bottom: 40px; }
      parley-chat::part(launcher) { border-radius: 12px; }
      parley-chat::part(header) { background: rgb(20, 120, 60); }
    `;
    await page.goto(host.embed('/themed', { parleyOrigin: baseUrl, attributes: { channel: 'demo' }, css }));
    await waitForVisible(launcher(page));
    const look = await launcherLook(page);
    expect(look.background).toBe('rgb(200, 30, 30)');
    expect(look.radius).toBe('12px');
    expect(VIEWPORT.height - look.bottom).toBeCloseTo(40, 0);
    await launcher(page).click();
    await waitForVisible(widget(page).getByRole('dialog'));
    const header = await page.evaluate(() => {
      const panel = document.querySelector('parley-chat')!.shadowRoot!.querySelector('parley-panel')!;
      return getComputedStyle(panel.shadowRoot!.querySelector('header')!).backgroundColor;
    });
    expect(header).toBe('rgb(20, 120, 60)');
    await saveScreenshot(page, 'widget-themed-open');
  });
});
