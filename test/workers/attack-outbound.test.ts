import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../protocol/limits";
import { app } from "../../worker/app";
import type { EmailRequest } from "../../worker/email/email-request";
import { renderEmail } from "../../worker/email/templates";
import { webhookUrlRefusal } from "../../worker/webhooks/url-policy";
import { XSS_PAYLOADS } from "../browser/xss-corpus";
import { BASE, createWorkspace, type Workspace } from "./fixtures";
import { expectRefusal, send } from "./attack-helpers";

/**
 * What Parley sends out must not be turned against others: webhooks must not reach into private
 * networks (SSRF), and emails must carry visitors' words as text, never as markup.
 */

/** Where a webhook must never go from production: back into Parley's own or a private network. */
const INTERNAL = [
  "https://localhost/hook",
  "https://LOCALHOST:8443/hook",
  "https://api.localhost/hook",
  "https://printer.local/hook",
  "https://db.internal/hook",
  "https://127.0.0.1/hook",
  "https://127.1.2.3/hook",
  "https://2130706433/hook",
  "https://0x7f.0.0.1/hook",
  "https://0177.0.0.1/hook",
  "https://10.0.0.8/hook",
  "https://172.16.0.1/hook",
  "https://172.31.255.255/hook",
  "https://192.168.1.1/hook",
  "https://169.254.169.254/latest/meta-data",
  "https://100.64.0.1/hook",
  "https://0.0.0.0/hook",
  "https://[::1]/hook",
  "https://[::]/hook",
  "https://[0:0:0:0:0:0:0:1]/hook",
  "https://[fc00::1]/hook",
  "https://[fd12:3456::1]/hook",
  "https://[fe80::1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:a00:1]/hook",
  "https://[2001:db8::1]/hook",
];

const PUBLIC = ["https://hooks.example.com/parley", "https://172.32.0.1/hook", "https://8.8.8.8/hook", "https://[2606:4700::1111]/hook", "https://example.com:8443/x?y=1"];

/** The webhook URL policy as production runs it (names are answered by the test resolver, see setup.ts). */
async function refusal(url: string, production: boolean): Promise<string | null> {
  const refused = await webhookUrlRefusal(url, { ...env, PARLEY_ENV: production ? "production" : "development" });
  if (refused) expect(refused.kind, url).toBe("blocked");
  return refused?.message ?? null;
}

describe("webhook URLs in production (webhookUrlRefusal outside development)", () => {
  it.each(INTERNAL)("refuses the private or local address %s", async (url) => {
    expect(await refusal(url, true)).toMatch(/^url: must be a public host, not a private or local address: /);
  });

  it("refuses plain HTTP, even to a public host", async () => {
    expect(await refusal("http://hooks.example.com/parley", true)).toBe("url: webhooks are sent over HTTPS only");
  });

  it("refuses credentials in the URL, in production and while developing", async () => {
    for (const production of [true, false]) {
      expect(await refusal("https://user:pass@hooks.example.com/", production)).toMatch(/^url: credentials/);
      expect(await refusal("https://token@hooks.example.com/", production)).toMatch(/^url: credentials/);
    }
  });

  it.each(PUBLIC)("accepts the public HTTPS address %s", async (url) => {
    expect(await refusal(url, true)).toBeNull();
  });

  // A fully qualified name with its trailing dot ("localhost.", "x.internal.") is the same host.
  it.each(["https://localhost./hook", "https://db.internal./hook", "https://printer.local./hook"])(
    "refuses %s, a local name written with its trailing dot",
    async (url) => {
      expect(await refusal(url, true)).toMatch(/^url: must be a public host, not a private or local address: /);
    },
  );

  it("lets a developer's local receiver through while developing", async () => {
    expect(await refusal("http://localhost:9000/hook", false)).toBeNull();
    expect(await refusal("http://127.0.0.1:9000/hook", false)).toBeNull();
  });
});

async function webhookCount(ws: Workspace): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** The whole Worker as it runs in production: the same request, PARLEY_ENV = "production". */
async function inProduction(ws: Workspace, url: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}/api/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${ws.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ url, events: ["ticket.created"] }),
    }),
    { ...env, PARLEY_ENV: "production" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("registering a webhook through the API", () => {
  it.each([
    ["not a URL", "hooks example com"],
    ["a relative path", "/hooks/parley"],
    ["another scheme", "ftp://hooks.example.com/parley"],
    ["a script URL", "javascript:alert(1)"],
    ["a data URL", "data:text/html,<script>alert(1)</script>"],
    ["a file URL", "file:///etc/passwd"],
    ["no host", "https://"],
    ["credentials", "https://user:secret@hooks.example.com/"],
    ["over 2000 characters", `https://hooks.example.com/${"a".repeat(2000)}`],
  ])("refuses %s with a 400 naming url, and registers nothing", async (_what, url) => {
    const ws = await createWorkspace();
    const res = await send("POST", "/api/v1/webhooks", { authorization: `Bearer ${ws.apiKey}` }, { url, events: ["ticket.created"] });
    const error = await expectRefusal(res, [400], url);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(/^url/);
    expect(await webhookCount(ws)).toBe(0);
  });

  it("in production, refuses private hosts and plain HTTP and registers nothing; a public HTTPS URL is taken", async () => {
    const ws = await createWorkspace();
    for (const url of ["https://169.254.169.254/latest/meta-data", "https://[::1]/hook", "https://10.1.2.3/hook", "http://hooks.example.com/"]) {
      const error = await expectRefusal(await inProduction(ws, url), [400], url);
      expect(error.message, url).toMatch(/^url: (must be a public host|webhooks are sent over HTTPS only)/);
    }
    expect(await webhookCount(ws)).toBe(0);
    expect((await inProduction(ws, "https://hooks.example.com/parley")).status).toBe(201);
    expect(await webhookCount(ws)).toBe(1);
  });
});

/** The only markup an email's HTML part is built from; a payload's own tags would show up as others. */
const TEMPLATE_TAGS = new Set(["<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<blockquote>", "</blockquote>", "<b>", "</b>", "<br>"]);

/** What the message formatter writes (worker/email/message-html.ts): its links are http(s) or mailto only. */
const FORMATTER_TAG = /^<(?:\/?(?:strong|em|code|ol|a)|ol start="\d+"|a href="(?:https?:\/\/|mailto:)[^"<>]*" rel="noopener noreferrer")>$/;

function strayMarkup(html: string): string[] {
  const tags = html.match(/<[^>]*>?/g) ?? [];
  return tags.filter((t) => !TEMPLATE_TAGS.has(t) && !FORMATTER_TAG.test(t));
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");

function requests(p: string): EmailRequest[] {
  return [
    { template: "transcript", data: { conversationId: "cv_x", subject: p, lines: [{ author: p, body: p, createdAt: 0 }], omitted: 0 } },
    {
      template: "reply",
      data: { conversationId: "cv_x", subject: p, channelName: p, lines: [{ author: p, body: p, createdAt: 0 }, { author: p, body: p, createdAt: 1 }], newCount: 1 },
    },
    { template: "survey", data: { conversationId: "cv_x", subject: p, contactName: p } },
    { template: "ticket_receipt", data: { reference: "T-1001", question: p, contactName: p } },
    { template: "notification", data: { conversationId: "cv_x", subject: p, from: p, body: p } },
    { template: "admin_alert", data: { conversationId: null, subject: p, text: p } },
  ];
}

describe("XSS payloads in emails", () => {
  it("every template in every language escapes every payload in its HTML part, which still says it in words", () => {
    for (const locale of LOCALES) {
      for (const payload of XSS_PAYLOADS) {
        for (const request of requests(payload)) {
          const { html } = renderEmail(locale, request);
          const what = `${locale} ${request.template} ${payload}`;
          expect(strayMarkup(html), what).toEqual([]);
          expect(decode(html), what).toContain(payload);
        }
      }
    }
  });

  it("a ticket's hostile question and name reach the outbox escaped, through the whole API", async () => {
    const ws = await createWorkspace();
    const payloads = XSS_PAYLOADS.slice(0, 10);
    for (const p of payloads) {
      const res = await send("POST", "/api/v1/tickets", { authorization: `Bearer ${ws.apiKey}` }, { contact: { name: p.slice(0, 120), email: "t@example.com" }, question: p });
      expect(res.status).toBe(201);
    }
    const { results } = await env.DB.prepare("SELECT html_body FROM email_outbox WHERE workspace_id = ?").bind(ws.workspaceId).all<{ html_body: string }>();
    expect(results).toHaveLength(payloads.length);
    for (const { html_body } of results) expect(strayMarkup(html_body), html_body).toEqual([]);
    expect(results.map((r) => decode(r.html_body)).join("\n")).toContain(payloads[1]);
  });
});
