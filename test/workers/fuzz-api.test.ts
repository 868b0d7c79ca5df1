import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { quietRooms, remember } from "./console-fixtures";
import { createWorkspace } from "./fixtures";
import { bodyFor, hostileId, queryFor, type RawBody } from "./fuzz-inputs";
import { expectHarmless, send, settledState, workspaceState } from "./attack-helpers";

const RUNS = { bodies: 100, queries: 50 };
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
