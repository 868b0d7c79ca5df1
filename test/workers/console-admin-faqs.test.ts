import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdminChannel, AdminFaq } from "../../protocol/admin";
import { call } from "./fixtures";
import { errorOf, newAdmin, type AdminClient } from "./console-admin-helpers";

async function suggestions(admin: AdminClient, q: string): Promise<string[]> {
  const res = await call(`/api/widget/channels/${admin.channelKey}/faqs?q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { faqs: { question: string }[] };
  return body.faqs.map((f) => f.question);
}

describe("Administration: FAQs", () => {
  it("creates, lists, edits and deletes FAQs, and the visitors' search follows each change", async () => {
    const admin = await newAdmin({ config: { faqSuggestions: true } });
    const { faq } = await admin.json<{ faq: AdminFaq }>(
      "POST",
      "/faqs",
      { question: "  How do I reset my password?  ", answer: "Use the Forgot password link." },
      201,
    );
    expect(faq).toMatchObject({ question: "How do I reset my password?", answer: "Use the Forgot password link.", channelId: null });
    expect((await admin.json<{ faqs: AdminFaq[] }>("GET", "/faqs")).faqs).toEqual([faq]);
    expect(await suggestions(admin, "password forgotten")).toEqual(["How do I reset my password?"]);

    const { faq: edited } = await admin.json<{ faq: AdminFaq }>("PUT", `/faqs/${faq.id}`, {
      question: "Where do I upload receipts?",
      answer: "Open Documents.",
      channelId: admin.channelId,
    });
    expect(edited).toEqual({ ...faq, question: "Where do I upload receipts?", answer: "Open Documents.", channelId: admin.channelId });
    expect(await suggestions(admin, "password")).toEqual([]);
    expect(await suggestions(admin, "receipts")).toEqual(["Where do I upload receipts?"]);

    expect((await admin.request("DELETE", `/faqs/${faq.id}`)).status).toBe(204);
    expect((await admin.json<{ faqs: AdminFaq[] }>("GET", "/faqs")).faqs).toEqual([]);
    expect(await suggestions(admin, "receipts")).toEqual([]);
  });

  it("keeps a channel's FAQ to that channel", async () => {
    const admin = await newAdmin({ config: { faqSuggestions: true } });
    const { channel } = await admin.json<{ channel: AdminChannel }>(
      "POST",
      "/channels",
      { key: `k-${crypto.randomUUID().slice(0, 12)}`, name: "Other", config: { faqSuggestions: true } },
      201,
    );
    await admin.json("POST", "/faqs", { question: "Payroll dates?", answer: "The 25th.", channelId: channel.id }, 201);
    expect(await suggestions(admin, "payroll")).toEqual([]);
  });

  it("refuses bad input with a message naming the field, and changes nothing", async () => {
    const admin = await newAdmin();
    const cases: [unknown, RegExp][] = [
      [{ question: " ", answer: "A." }, /^question: question is required/],
      [{ question: "Q?", answer: "" }, /^answer: answer is required/],
      [{ question: "Q?".repeat(300), answer: "A." }, /^question: question is at most 500/],
      [{ question: "Q?", answer: "A.", channelId: "ch_nowhere" }, /^channelId: no such channel/],
      [{ question: "Q?", answer: "A.", channelId: 7 }, /^channelId: /],
    ];
    for (const [body, message] of cases) {
      const error = await errorOf(await admin.request("POST", "/faqs", body));
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(error.message).toMatch(message);
    }
    const { faq } = await admin.json<{ faq: AdminFaq }>("POST", "/faqs", { question: "Q?", answer: "A." }, 201);
    expect((await errorOf(await admin.request("PUT", `/faqs/${faq.id}`, { question: "", answer: "B." }))).message).toMatch(/^question: /);
    const { count } = (await env.DB.prepare("SELECT COUNT(*) AS count FROM faqs WHERE workspace_id = ?").bind(admin.workspaceId).first<{ count: number }>())!;
    expect(count).toBe(1);
    expect((await admin.json<{ faqs: AdminFaq[] }>("GET", "/faqs")).faqs).toEqual([faq]);
  });

  it("answers 404 for a FAQ that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("PUT", "/faqs/faq_missing", { question: "Q?", answer: "A." }))).status).toBe(404);
    expect((await errorOf(await admin.request("DELETE", "/faqs/faq_missing"))).status).toBe(404);
  });
});
