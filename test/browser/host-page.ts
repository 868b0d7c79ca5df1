// A customer's site, as the widget meets it in the wild: another origin than Parley's, a strict
// Content-Security-Policy (no inline script or style, no eval, only the Parley origin allowed),
// and hostile CSS that resets everything with !important. Tests register pages on it and load
// the widget the way a site owner pastes it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Rules a careless or hostile stylesheet might carry; none of them may reach the widget. */
export const HOSTILE_CSS = `
* { all: unset !important; font-family: "Comic Sans MS", "Courier New", monospace !important; color: #e0e !important;
    line-height: 3 !important; letter-spacing: 4px !important; text-transform: uppercase !important;
    box-sizing: content-box !important; }
html { display: block !important; font-size: 40px !important; background: #ffe !important; }
head, script, style, title, link, meta { display: none !important; }
body { display: block !important; margin: 8px !important; }
div, section, form, p, ul, li, header, main, article, h1, h2 { display: block !important; }
button, input, textarea, select { background: #ff0 !important; border: 6px dashed red !important;
    width: 12px !important; height: 12px !important; padding: 30px !important; }
svg, path { fill: red !important; stroke: lime !important; width: 300px !important; height: 300px !important; }
parley-chat { display: none; position: static !important; transform: scale(0.3) rotate(30deg) !important;
    opacity: 0.2 !important; filter: blur(4px) !important; margin: 200px !important; }
`;

export type EmbedOptions = {
  /** Where the widget (and so its API) is loaded from. */
  parleyOrigin: string;
  /** Attributes of <parley-chat>, e.g. { channel: 'demo', locale: 'fi' }. */
  attributes: Record<string, string>;
  /** Paste the script tag twice, once more with another URL, as a messy site template would. */
  loadTwice?: boolean;
  /** The page's own stylesheet rules (served from its origin), after the hostile ones. */
  css?: string;
  /** The page's own script (served from its origin), e.g. a single-page app re-rendering the element. */
  script?: string;
};

type Page = { html: string; csp: string; css: string; script: string };

export interface HostServer {
  origin: string;
  /** Registers a page at `path` and returns its URL. */
  embed(path: string, options: EmbedOptions): string;
  close(): Promise<void>;
}

const escapeAttr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

function strictCsp(parleyOrigin: string): string {
  const ws = parleyOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src 'self' ${parleyOrigin}`,
    "style-src 'self'",
    `img-src 'self' ${parleyOrigin}`,
    `connect-src ${parleyOrigin} ${ws}`,
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function embedHtml(path: string, options: EmbedOptions): string {
  const attributes = Object.entries(options.attributes)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  const widget = `${options.parleyOrigin}/widget.js`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Customer portal (hostile host page)</title>
    <link rel="stylesheet" href="/hostile.css" />
    <link rel="stylesheet" href="${path}.css" />
    <script type="module" src="${widget}"></script>
    ${options.loadTwice ? `<script type="module" src="${widget}"></script>\n    <script type="module" src="${widget}?copy=2"></script>` : ''}
    ${options.script ? `<script type="module" src="${path}.js"></script>` : ''}
  </head>
  <body>
    <h1>Acme customer portal</h1>
    <p id="content">Your invoices and documents are below. This text must paint before the chat widget loads.</p>
    <main id="app"><parley-chat${attributes}></parley-chat></main>
  </body>
</html>`;
}

export async function startHostServer(): Promise<HostServer> {
  const pages = new Map<string, Page>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    if (url.pathname === '/hostile.css') return send(200, 'text/css', HOSTILE_CSS);
    const page = pages.get(url.pathname.replace(/\.(css|js)$/, ''));
    if (!page) return send(404, 'text/plain', 'not found');
    if (url.pathname.endsWith('.css')) return send(200, 'text/css', page.css);
    if (url.pathname.endsWith('.js')) return send(200, 'text/javascript', page.script);
    send(200, 'text/html; charset=utf-8', page.html, { 'Content-Security-Policy': page.csp });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // "localhost" and Parley's "127.0.0.1" are different sites, not just different ports.
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    embed(path, options) {
      pages.set(path, {
        html: embedHtml(path, options),
        csp: strictCsp(options.parleyOrigin),
        css: options.css ?? '',
        script: options.script ?? '',
      });
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
