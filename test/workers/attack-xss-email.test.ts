import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../protocol/limits";
import type { EmailRequest } from "../../worker/email/email-request";
import { renderEmail } from "../../worker/email/templates";
import { XSS_PAYLOADS } from "../browser/xss-corpus";
import { createWorkspace } from "./fixtures";
import { send } from "./attack-helpers";

/** The only markup an email's HTML part is built from; a payload's own tags would show up as others. */
const TEMPLATE_TAGS = new Set(["<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<blockquote>", "</blockquote>"]);

function strayMarkup(html: string): string[] {
  const tags = html.match(/<[^>]*>?/g) ?? [];
  return tags.filter((t) => !TEMPLATE_TAGS.has(t));
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
    { template: "transcript", data: { conversationId: "cv_x", subject: p, lines: [{ author: p, body: p, createdAt: 0 }] } },
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
