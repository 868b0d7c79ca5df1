import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { quietRooms, remember } from "./console-fixtures";
import { createWorkspace } from "./fixtures";
import { bodyFor, hostileId, hostileNumber, queryFor, type RawBody } from "./fuzz-inputs";
import { expectHarmless, expectRefusal, send, settledState, signedHook, workspaceState } from "./attack-helpers";

/** The integrator's surfaces: the REST API, and the inbound hooks for platforms that only send webhooks. */
const RUNS = { bodies: 75, queries: 40, signed: 60, forged: 30 };
const used: string[] = [];

afterAll(async () => {
  for (const workspaceId of used) {
    for (const c of (await workspaceState(workspaceId)).rows.conversations as { id: string }[]) remember(c.id);
  }
  await quietRooms();
});

/** A workspace an integrator has set up: a conversation, an account, a team, a webhook. */
async function apiWorkspace() {
  const ws = await createWorkspace();
  used.push(ws.workspaceId);
  const auth = { authorization: `Bearer ${ws.apiKey}` };
  const call = async <T>(method: string, path: string, body?: unknown) => (await (await send(method, `/api/v1${path}`, auth, body)).json()) as T;
  const conversation = await call<{ id: string }>("POST", "/conversations", { contact: { name: "Ann", email: "ann@example.com", externalId: "ext-ann" }, message: "Hello" });
  await call("PUT", "/accounts/acct-1", { name: "Acme" });
  const webhook = await call<{ id: string }>("POST", "/webhooks", { url: "https://receiver.invalid/hook", events: ["conversation.deleted"] });
  const agent = (await workspaceState(ws.workspaceId)).rows.agents![0] as { id: string };
  await settledState(ws.workspaceId);
  return { ws, auth, conversationId: conversation.id, webhookId: webhook.id, agentId: agent.id };
}

describe("the REST API under random and malicious input", () => {
  it("every body it takes: no 5xx, clear refusals, and a refusal changes nothing", async () => {
    const w = await apiWorkspace();
    const c = `/api/v1/conversations/${w.conversationId}`;
    const targets = [
      {
        method: "POST",
        path: "/api/v1/conversations",
        valid: {
          channel: w.ws.channelKey,
          contact: { name: "Bo", email: "bo@example.com", externalId: "ext-bo" },
          subject: "Invoice",
          message: "Where is it?",
          initiatedBy: "agent",
          agentId: w.agentId,
          attention: "answered",
        },
      },
      { method: "POST", path: "/api/v1/conversations", valid: { contact: { name: "Cy", email: "cy@example.com" }, message: "Routed", assignedAgentId: w.agentId, assignedTeamId: "tm_none" } },
      { method: "PATCH", path: c, valid: { archived: false, attention: "answered", agentId: w.agentId } },
      { method: "POST", path: `${c}/messages`, valid: { body: "From the CRM", author: "agent", agentId: w.agentId, clientId: "crm-note-0001" } },
      { method: "POST", path: `${c}/messages`, valid: { body: "From the customer", author: "customer" } },
      { method: "PUT", path: "/api/v1/accounts/acct-2", valid: { name: "Beta" } },
      { method: "PUT", path: "/api/v1/contacts/ext-dee", valid: { name: "Dee", email: "dee@example.com", accountExternalId: "acct-1" } },
      { method: "POST", path: "/api/v1/tickets", valid: { contact: { name: "Eve", email: "eve@example.com" }, question: "Call me", channel: w.ws.channelKey } },
      { method: "POST", path: "/api/v1/webhooks", valid: { url: "https://receiver.invalid/other", events: ["conversation.deleted"], description: "CRM" } },
      { method: "PATCH", path: `/api/v1/webhooks/${w.webhookId}`, valid: { enabled: false } },
      { method: "POST", path: "/api/v1/inbound-hooks", valid: { name: "CRM" } },
    ];
    const idempotencyKey = fc.option(fc.stringMatching(/^[\x20-\x7e]{0,210}$/), { freq: 4 });
    const request = fc.tuple(fc.constantFrom(...targets).chain((t) => bodyFor(t.valid).map((body): [typeof t, RawBody] => [t, body])), idempotencyKey);
    await fc.assert(
      fc.asyncProperty(request, async ([[t, body], key]) => {
        const headers = { ...w.auth, "content-type": body.contentType, ...(key === null ? {} : { "idempotency-key": key }) };
        await expectHarmless(w.ws.workspaceId, () => send(t.method, t.path, headers, body.text), `${t.method} ${t.path} ${body.text.slice(0, 200)}`);
      }),
      { numRuns: RUNS.bodies },
    );
  }, 120_000);

  it("list queries and hostile ids in every path: no 5xx, clear refusals", async () => {
    const w = await apiWorkspace();
    const byId = ["GET conversations", "PATCH conversations", "DELETE conversations", "GET conversations/messages", "GET conversations/transcript", "GET accounts", "GET contacts", "GET tickets", "DELETE webhooks", "GET webhooks/deliveries", "DELETE inbound-hooks"];
    const request = fc.oneof(
      queryFor(["status", "archived", "contactExternalId", "limit", "cursor"]).map((q) => ({ method: "GET", path: `/api/v1/conversations?${q}`, body: undefined })),
      queryFor(["since", "limit"]).map((q) => ({ method: "GET", path: `/api/v1/conversations/${w.conversationId}/messages?${q}`, body: undefined })),
      fc.tuple(fc.constantFrom(...byId), hostileId).map(([route, id]) => {
        const [method, path] = route.split(" ") as [string, string];
        const [collection, rest] = path.split("/");
        return { method, path: `/api/v1/${collection}/${id}${rest ? `/${rest}` : ""}`, body: method === "PATCH" ? { archived: true } : undefined };
      }),
      fc.tuple(hostileId, hostileId).map(([id, delivery]) => ({ method: "POST", path: `/api/v1/webhooks/${id}/deliveries/${delivery}/redeliver`, body: undefined })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body }) => {
        await expectHarmless(w.ws.workspaceId, () => send(method, path, w.auth, body), `${method} ${path.slice(0, 200)}`);
      }),
      { numRuns: RUNS.queries },
    );
  }, 120_000);
});

/** A workspace with an inbound hook, a conversation it can write to, and an account it can file contacts under. */
async function hookTarget() {
  const ws = await createWorkspace();
  used.push(ws.workspaceId);
  const auth = { authorization: `Bearer ${ws.apiKey}` };
  const conversation = (await (await send("POST", "/api/v1/conversations", auth, { contact: { name: "Ann", email: "ann@example.com" }, message: "Hello" })).json()) as { id: string };
  await send("PUT", "/api/v1/accounts/acct-1", auth, { name: "Acme" });
  const hook = (await (await send("POST", "/api/v1/inbound-hooks", auth, { name: "CRM" })).json()) as { id: string; secret: string };
  await settledState(ws.workspaceId);
  return { ws, conversationId: conversation.id, hook };
}

describe("inbound hooks under random and malicious input", () => {
  it("signed envelopes of every kind, mangled: no 5xx, clear refusals, and a refused delivery changes nothing", async () => {
    const t = await hookTarget();
    const envelopes = [
      { type: "message.create", data: { conversationId: t.conversationId, author: "agent", body: "From the CRM", authorName: "CRM bot" } },
      { type: "message.create", data: { conversationId: t.conversationId, author: "customer", body: "Customer wrote" } },
      { type: "conversation.update", data: { conversationId: t.conversationId, archived: true } },
      { type: "contact.upsert", data: { externalId: "crm-42", name: "Dee", email: "dee@example.com", accountExternalId: "acct-1" } },
    ];
    // A fresh delivery id each time, so valid envelopes are applied rather than skipped as replays.
    const body = fc.tuple(fc.constantFrom(...envelopes), fc.uuid()).chain(([e, id]) => bodyFor({ id: `delivery-${id}`, ...e }));
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const headers = { ...(await signedHook(t.hook.secret, b.text)), "content-type": b.contentType };
        await expectHarmless(t.ws.workspaceId, () => send("POST", `/hooks/${t.hook.id}`, headers, b.text), `signed ${b.text.slice(0, 200)}`);
      }),
      { numRuns: RUNS.signed },
    );
  }, 120_000);

  it("forged, stale, malformed or missing signatures and unknown hooks are refused and change nothing", async () => {
    const t = await hookTarget();
    const envelope = JSON.stringify({ id: "delivery-forged-1", type: "contact.upsert", data: { externalId: "x", name: "X", email: "x@example.com" } });
    const now = Math.floor(Date.now() / 1000);
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    const signature = fc.oneof(
      fc.stringMatching(/^[\x20-\x7e]{0,200}$/),
      fc.tuple(hostileNumber, hex).map(([at, v1]) => `t=${at},v1=${v1}`),
      hex.map((v1) => `t=${now},v1=${v1}`),
      fc.constantFrom(`t=${now}`, "v1=", `t=${now},v1=${"0".repeat(64)},v1=${"f".repeat(64)}`, "t=,v1=", ",,,", "t=1e3,v1=zz"),
    );
    type Attempt = { id: string; signature: string | null; staleBy?: number; body: string };
    const request: fc.Arbitrary<Attempt> = fc.oneof(
      signature.map((sig) => ({ id: t.hook.id, signature: sig, body: envelope })),
      fc.constant({ id: t.hook.id, signature: null, body: envelope }),
      fc.integer({ min: 301, max: 100_000 }).map((staleBy) => ({ id: t.hook.id, signature: null, staleBy, body: envelope })),
      // No id, or a dot segment that URL parsing resolves away, is no hook URL at all: see the last test.
      hostileId.filter((id) => !/^((\.|%2e){1,2})?$/i.test(id)).map((id) => ({ id, signature: null, body: envelope })),
      fc.constant({ id: t.hook.id, signature: null, body: `{"pad":"${"x".repeat(70_000)}"}` }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (r.signature !== null) headers["parley-signature"] = r.signature;
        if (r.staleBy !== undefined) Object.assign(headers, await signedHook(t.hook.secret, r.body, now - r.staleBy));
        const status = await expectHarmless(t.ws.workspaceId, () => send("POST", `/hooks/${r.id}`, headers, r.body), `${r.id} ${JSON.stringify(headers)}`);
        if (status < 400) throw new Error(`an unsigned or forged delivery was applied: ${JSON.stringify(headers)}`);
      }),
      { numRuns: RUNS.forged },
    );
  }, 120_000);

  it.each(["/hooks/", "/hooks", "/hooks/ih_x/extra"])("POST %s is a JSON 404", async (path) => {
    await expectRefusal(await send("POST", path, {}, "{}"), [404], path);
  });
});
