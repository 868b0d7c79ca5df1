import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dispatcherFor } from "../../worker/webhooks/emit";
import { agentOnline, call, createWorkspace, type Workspace } from "./fixtures";
import { api, deliverNow, RECEIVER, receiver, register } from "./webhook-receiver";
import { stateAfter } from "./lobby-helpers";

afterEach(() => vi.restoreAllMocks());

/** What most tests here subscribe to. */
const EVENTS = ["ticket.created", "conversation.archived", "conversation.deleted"];

async function hmacHex(secret: string, text: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ticket = (question = "Call me") => ({ contact: { name: "T", email: "t@example.com" }, question });

describe("outgoing webhooks", () => {
  it("signs each delivery so the receiver can verify it, with the event and a delivery id", async () => {
    const ws = await createWorkspace();
    const { id, secret } = await register(ws, EVENTS);
    expect(secret).toMatch(/^whsec_/);
    const seen = receiver();
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    expect(seen).toHaveLength(1);
    const [d] = seen;
    expect(d!.headers["parley-event"]).toBe("ticket.created");
    expect(d!.headers["parley-delivery"]).toMatch(/^dlv_/);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(d!.headers["parley-signature"]!)!;
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(v1).toBe(await hmacHex(secret, `${t}.${d!.body}`));
    const payload = JSON.parse(d!.body) as { type: string; workspaceId: string; data: { ticket: { reference: string }; question: string } };
    expect(payload).toMatchObject({ type: "ticket.created", workspaceId: ws.workspaceId, data: { ticket: { reference: "T-1001" }, question: "Call me" } });
    const log = (await (await api(ws, `/webhooks/${id}/deliveries`)).json()) as { deliveries: { status: string; attempts: number; lastStatusCode: number }[] };
    expect(log.deliveries).toMatchObject([{ status: "delivered", attempts: 1, lastStatusCode: 200 }]);
  });

  it("retries a failed delivery with backoff and the same delivery id, and logs every attempt", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, EVENTS);
    const seen = receiver([500, 503, 200]);
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    const after1 = (await (await api(ws, `/webhooks/${id}/deliveries`)).json()) as {
      deliveries: { status: string; attempts: number; lastStatusCode: number; nextAttemptAt: number }[];
    };
    expect(after1.deliveries[0]).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    const wait = after1.deliveries[0]!.nextAttemptAt - Date.now();
    expect(wait).toBeGreaterThan(20_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    await deliverNow(ws, id);
    await deliverNow(ws, id);
    expect(seen.map((s) => s.headers["parley-delivery"])).toEqual(Array(3).fill(seen[0]!.headers["parley-delivery"]));
    const log = (await (await api(ws, `/webhooks/${id}/deliveries`)).json()) as { deliveries: { status: string; attempts: number }[] };
    expect(log.deliveries[0]).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("keeps each conversation's events in order: a failing one holds back the next", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, ["conversation.archived", "conversation.deleted"]);
    const created = (await (await api(ws, "/conversations", "POST", { contact: { name: "A", email: "a@example.com" }, message: "hi" })).json()) as { id: string };
    const seen = receiver([500, 200]);
    await api(ws, `/conversations/${created.id}`, "PATCH", { archived: true });
    await api(ws, `/conversations/${created.id}`, "DELETE");
    for (let i = 0; i < 3 && seen.length < 3; i++) await deliverNow(ws, id);
    // The deletion waited until the archiving got through, though it was queued long before.
    expect(seen.map((s) => `${s.headers["parley-event"]} ${s.status}`)).toEqual([
      "conversation.archived 500",
      "conversation.archived 200",
      "conversation.deleted 200",
    ]);
  });

  it("redelivers on request with the same delivery id", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, EVENTS);
    const seen = receiver();
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    const { deliveries } = (await (await api(ws, `/webhooks/${id}/deliveries`)).json()) as { deliveries: { id: string }[] };
    const res = await api(ws, `/webhooks/${id}/deliveries/${deliveries[0]!.id}/redeliver`, "POST");
    expect(res.status).toBe(202);
    await deliverNow(ws, id);
    expect(seen.map((s) => s.headers["parley-delivery"])).toEqual([deliveries[0]!.id, deliveries[0]!.id]);
    expect((await api(ws, `/webhooks/${id}/deliveries/dlv_nope/redeliver`, "POST")).status).toBe(404);
  });

  it("disables an endpoint that has failed for a day and emails the workspace's admins", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, EVENTS);
    receiver([500]);
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?").bind(Date.now() - 25 * 3600_000, id).run();
    await deliverNow(ws, id);
    const endpoint = (await (await api(ws, "/webhooks")).json()) as { webhooks: { enabled: boolean; disabledAt: number | null }[] };
    expect(endpoint.webhooks[0]!.enabled).toBe(false);
    const mail = await env.DB.prepare("SELECT to_address, subject FROM email_outbox WHERE workspace_id = ? AND template = 'admin_alert'")
      .bind(ws.workspaceId)
      .all();
    expect(mail.results).toEqual([{ to_address: ws.agentEmail, subject: "Attention needed: A webhook endpoint was disabled" }]);
  });

  it("validates endpoints: a URL, at least one known event", async () => {
    const ws = await createWorkspace();
    for (const body of [
      { url: "not a url", events: ["ticket.created"] },
      { url: "ftp://x.example", events: ["ticket.created"] },
      { url: RECEIVER, events: [] },
      { url: RECEIVER, events: ["nope.happened"] },
      { url: "https://user:pw@x.example/", events: ["ticket.created"] },
    ]) {
      const res = await api(ws, "/webhooks", "POST", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("inbound hooks", () => {
  async function createHook(ws: Workspace) {
    const res = await api(ws, "/inbound-hooks", "POST", { name: "CRM" });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; url: string; secret: string };
  }

  async function send(url: string, secret: string, envelope: unknown, at = Math.floor(Date.now() / 1000), signature?: string) {
    const body = JSON.stringify(envelope);
    return call(new URL(url).pathname, {
      method: "POST",
      headers: { "content-type": "application/json", "parley-signature": signature ?? `t=${at},v1=${await hmacHex(secret, `${at}.${body}`)}` },
      body,
    });
  }

  it("applies a signed message once, however often it is delivered", async () => {
    const ws = await createWorkspace();
    const hook = await createHook(ws);
    const conv = (await (await api(ws, "/conversations", "POST", { contact: { name: "A", email: "a@example.com" }, message: "hi" })).json()) as { id: string };
    const envelope = { id: "crm-evt-0001", type: "message.create", data: { conversationId: conv.id, author: "agent", body: "Answer from the CRM" } };
    expect(await (await send(hook.url, hook.secret, envelope)).json()).toEqual({ status: "applied", id: "crm-evt-0001" });
    expect(await (await send(hook.url, hook.secret, envelope)).json()).toEqual({ status: "duplicate", id: "crm-evt-0001" });
    const { messages } = (await (await api(ws, `/conversations/${conv.id}/messages`)).json()) as { messages: { body: string }[] };
    expect(messages.map((m) => m.body)).toEqual(["hi", "Answer from the CRM"]);
  });

  it("refuses unsigned, wrongly signed and stale deliveries, changing nothing", async () => {
    const ws = await createWorkspace();
    const hook = await createHook(ws);
    const envelope = { id: "crm-evt-0002", type: "contact.upsert", data: { externalId: "c-1", name: "C", email: "c@example.com" } };
    const unsigned = await call(new URL(hook.url).pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(envelope) });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe("signature_missing");
    const wrong = await send(hook.url, "whsec_wrong", envelope);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("signature_invalid");
    const stale = await send(hook.url, hook.secret, envelope, Math.floor(Date.now() / 1000) - 6 * 60);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("signature_stale");
    expect((await api(ws, "/contacts/c-1")).status).toBe(404);
    expect((await send(hook.url, hook.secret, envelope)).status).toBe(200);
    expect((await api(ws, "/contacts/c-1")).status).toBe(200);
  });

  it("frees a refused delivery's id so it can be fixed and sent again; revoked hooks answer 404", async () => {
    const ws = await createWorkspace();
    const hook = await createHook(ws);
    const bad = { id: "crm-evt-0003", type: "message.create", data: { conversationId: "cv_nope", author: "customer", body: "x" } };
    expect((await send(hook.url, hook.secret, bad)).status).toBe(404);
    const conv = (await (await api(ws, "/conversations", "POST", { contact: { name: "A", email: "a@example.com" }, message: "hi" })).json()) as { id: string };
    const fixed = { ...bad, data: { ...bad.data, conversationId: conv.id } };
    expect(await (await send(hook.url, hook.secret, fixed)).json()).toEqual({ status: "applied", id: "crm-evt-0003" });
    expect((await api(ws, `/inbound-hooks/${hook.id}`, "DELETE")).status).toBe(204);
    expect((await send(hook.url, hook.secret, { ...fixed, id: "crm-evt-0004" })).status).toBe(404);
  });
});

describe("a receiver mirroring conversations from webhooks", () => {
  it("gets every event of a conversation, signed, in the order it happened, and can rebuild the note", async () => {
    const ws = await createWorkspace();
    const { secret } = await register(ws, [
      "conversation.created",
      "conversation.queued",
      "conversation.accepted",
      "message.created",
      "conversation.ended",
    ]);
    const seen = receiver();
    const lobby = await agentOnline(ws);
    const created = (await (await api(ws, "/conversations", "POST", { contact: { name: "Mia", email: "mia@example.com" }, message: "Is my payroll done?" })).json()) as { id: string };
    await stateAfter(lobby, 0, (s) => s.queue.some((q) => q.conversationId === created.id));
    lobby.send({ type: "accept", conversationId: created.id });
    await lobby.next((f) => f.type === "accepted" && f.conversationId === created.id);
    await api(ws, `/conversations/${created.id}/messages`, "POST", { body: "Yes, it ran on the 25th.", author: "agent" });
    await api(ws, `/conversations/${created.id}/messages`, "POST", { body: "Thanks!", author: "customer" });
    await api(ws, `/conversations/${created.id}`, "PATCH", { status: "ended" });

    const deadline = Date.now() + 10_000;
    while (!seen.some((s) => s.headers["parley-event"] === "conversation.ended") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = seen.map((s) => JSON.parse(s.body) as { type: string; data: { message?: { seq: number; body: string; author: { name: string } } } });
    expect(events.map((e) => (e.type === "message.created" ? `message ${e.data.message!.seq}` : e.type))).toEqual([
      "conversation.created",
      "message 1",
      "conversation.queued",
      "message 2",
      "conversation.accepted",
      "message 3",
      "message 4",
      "message 5",
      "conversation.ended",
    ]);
    for (const s of seen) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(s.headers["parley-signature"]!)!;
      expect(v1).toBe(await hmacHex(secret, `${t}.${s.body}`));
    }
    const note = events.filter((e) => e.type === "message.created").map((e) => `${e.data.message!.author.name}: ${e.data.message!.body}`);
    const transcript = (await (await api(ws, `/conversations/${created.id}/transcript`)).json()) as { messages: { author: { name: string }; body: string }[] };
    expect(note).toEqual(transcript.messages.map((m) => `${m.author.name}: ${m.body}`));
    const ended = JSON.parse(seen.at(-1)!.body) as { data: { transcript: unknown[]; endedBy: string } };
    expect(ended.data.endedBy).toBe("agent");
    expect(ended.data.transcript).toHaveLength(5);
    expect(seen.every((s) => s.headers["parley-delivery"])).toBe(true);
    expect(new Set(seen.map((s) => s.headers["parley-delivery"])).size).toBe(seen.length);
  }, 20_000);
});
