// What the XSS tests need around a page: a host page with no Content-Security-Policy (so that an
// injected payload would really run, and only escaping can stop it), the `__xss` canary and dialog
// watch, a scan for markup that a payload planted, and the text a page shows, shadow roots included.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { XSS_MARKERS } from './xss-corpus.js';

export interface PlainHost {
  origin: string;
  /** A page at `path` with <parley-chat> carrying `attributes`; returns its URL. */
  embed(path: string, attributes: Record<string, string>): string;
  close(): Promise<void>;
}

const escapeAttr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** A customer's site on another origin that trusts its content: no CSP at all. */
export async function startPlainHost(parleyOrigin: string): Promise<PlainHost> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    res.writeHead(html ? 200 : 404, { 'Content-Type': html ? 'text/html; charset=utf-8' : 'text/plain', 'Cache-Control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    embed(path, attributes) {
      const attrs = Object.entries(attributes)
        .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
        .join('');
      pages.set(
        path,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>` +
          `<script type="module" src="${parleyOrigin}/widget.js"></script></head>` +
          `<body><h1>Shop</h1><parley-chat${attrs}></parley-chat></body></html>`,
      );
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface XssWatch {
  /** The numbers of the payloads that ran. */
  hits: number[];
  /** Messages of alert/confirm/prompt dialogs that opened. */
  dialogs: string[];
}

/** Arms the canary every payload calls and records dialogs; call before the first navigation. */
export async function watchForXss(page: Page): Promise<XssWatch> {
  const watch: XssWatch = { hits: [], dialogs: [] };
  await page.exposeFunction('__xss', (n: number) => void watch.hits.push(n));
  page.on('dialog', (dialog) => {
    if (dialog.type() === 'beforeunload') return void dialog.accept();
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return watch;
}

/**
 * Has Chromium ignore Content-Security-Policy on this page (as Playwright's bypassCSP does), so a
 * test proves escaping alone keeps payloads inert. Serving the page without the header instead
 * would cost it its local address space, and with it the console's sockets.
 */
export async function withoutCsp(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
}

/**
 * Markup a payload could have planted, anywhere in the page and in every shadow root: event-handler
 * attributes, script-capable elements, script URLs, styles or elements carrying a payload's marker.
 */
export function plantedMarkup(page: Page): Promise<string[]> {
  return page.evaluate((markers) => {
    const found: string[] = [];
    const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc', 'background', 'poster'];
    const dangerous = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'LINK', 'TEMPLATE', 'MARQUEE', 'MATH', 'NOSCRIPT']);
    const describe = (el: Element) => el.outerHTML.slice(0, 160);
    const visit = (root: Document | ShadowRoot, inHead: boolean) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const head = inHead && el.closest('head') !== null;
        for (const attr of Array.from(el.attributes)) {
          const name = attr.name.toLowerCase();
          const value = attr.value.trim().toLowerCase();
          if (name.startsWith('on')) found.push(`event handler ${name}: ${describe(el)}`);
          if (urlAttributes.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value.replace(/[\s\u0000-\u001f]/g, '')))
            found.push(`script URL in ${name}: ${describe(el)}`);
          if (name === 'style' && markers.some((m) => value.includes(m))) found.push(`injected style: ${describe(el)}`);
        }
        if (dangerous.has(el.tagName.toUpperCase()) && !head) found.push(`element ${el.tagName}: ${describe(el)}`);
        if (el.tagName.toUpperCase() === 'STYLE' && markers.some((m) => (el.textContent ?? '').includes(m))) found.push(`injected stylesheet: ${describe(el)}`);
        if (el.shadowRoot) visit(el.shadowRoot, false);
      }
    };
    visit(document, true);
    return found;
  }, XSS_MARKERS);
}

/** All text under the first element matching `selector` (searched through shadow roots too), shadow roots included, whitespace collapsed. */
export function shownText(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      // A payload lands in one text node, or across the inline elements light formatting makes of it
      // (a link inside it): a blank between other elements never splits one.
      if (node instanceof Element && !['A', 'STRONG', 'EM', 'CODE'].includes(node.tagName)) parts.push(' ');
      if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
      for (const child of Array.from(node.childNodes)) walk(child);
    };
    const find = (root: Document | ShadowRoot): Element | null => {
      const here = root.querySelector(sel);
      if (here) return here;
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const inside = el.shadowRoot && find(el.shadowRoot);
        if (inside) return inside;
      }
      return null;
    };
    const root = find(document);
    if (root) walk(root);
    return parts.join('').replace(/\s+/g, ' ').trim();
  }, selector);
}

export const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The payloads not shown literally in `text`. */
export const missingFrom = (text: string, payloads: readonly string[]) => payloads.filter((p) => !text.includes(collapse(p)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until every payload shows literally under `selector`; the error lists those that never did. */
export async function waitForLiteral(page: Page, selector: string, payloads: readonly string[], timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let missing = missingFrom(await shownText(page, selector), payloads);
  while (missing.length > 0 && Date.now() < deadline) {
    await sleep(250);
    missing = missingFrom(await shownText(page, selector), payloads);
  }
  if (missing.length > 0) throw new Error(`not shown literally under ${selector}: ${JSON.stringify(missing)}`);
}

/** No payload ran, opened a dialog, or planted markup. */
export async function inertness(page: Page, watch: XssWatch): Promise<{ hits: number[]; dialogs: string[]; planted: string[] }> {
  // Handlers such as onerror or onfocus fire a moment after the markup lands.
  await sleep(300);
  return { hits: [...watch.hits], dialogs: [...watch.dialogs], planted: await plantedMarkup(page) };
}

export interface ConsoleSession {
  /** A console or API call; throws on anything but 2xx, with the answer. */
  call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** A file added to a thread as this agent, named `name`. */
  upload(conversationId: string, name: string, type: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
}

/** Signs an agent in to the console from Node, to set data up as they would. */
export async function consoleSession(baseUrl: string, who: { email: string; password: string }): Promise<ConsoleSession> {
  const res = await fetch(`${baseUrl}/api/console/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify(who),
  });
  if (!res.ok) throw new Error(`sign-in as ${who.email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const send = async (method: string, path: string, init: { headers: Record<string, string>; body?: BodyInit }) => {
    const answer = await fetch(`${baseUrl}${path}`, { method, headers: { Cookie: cookie, Origin: baseUrl, ...init.headers }, body: init.body });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    call: (method, path, body, headers = {}) =>
      send(method, path, { headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) }),
    upload: async (conversationId, name, type, bytes) => {
      await send('POST', `/api/console/conversations/${encodeURIComponent(conversationId)}/attachments`, {
        headers: { 'Content-Type': type, 'X-Parley-Filename': encodeURIComponent(name), 'X-Parley-Client-Id': crypto.randomUUID() },
        body: bytes,
      });
    },
  };
}

/**
 * Proves the watch can fail on this page: markup put into `host`'s shadow root as HTML runs the
 * canary and is found by the scan. The planted element is removed and the watch reset afterwards.
 */
export async function canaryCatches(page: Page, watch: XssWatch, host: string): Promise<{ hits: number[]; planted: string[] }> {
  await page.evaluate((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    if (!root) throw new Error(`${sel} has no open shadow root`);
    const probe = document.createElement('div');
    probe.id = 'xss-self-test';
    probe.innerHTML = '<img src="data:," onerror="__xss(999)">';
    root.append(probe);
  }, host);
  const deadline = Date.now() + 5_000;
  while (!watch.hits.includes(999) && Date.now() < deadline) await sleep(50);
  const caught = { hits: [...watch.hits], planted: await plantedMarkup(page) };
  await page.evaluate((sel) => document.querySelector(sel)?.shadowRoot?.getElementById('xss-self-test')?.remove(), host);
  watch.hits.length = 0;
  return caught;
}
