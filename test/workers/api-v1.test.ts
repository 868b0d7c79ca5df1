import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationResource } from "../../protocol/api-v1";
import type { Message } from "../../protocol/frames";
import { agentOnline, call, createWorkspace, type Workspace } from "./fixtures";
import { stateAfter } from "./lobby-helpers";

type ErrorBody = { error: { code: string; message: string } };

function api(ws: Workspace, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return call(`/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      authorization: `Bearer ${ws.apiKey}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const newConversation = { contact: { name: "Carl Customer", email: "carl@example.com" }, subject: "VAT question", message: "Is the VAT return due?" };

async function create(ws: Workspace, body: unknown = newConversation): Promise<ConversationResource> {
  const res = await api(ws, "/conversations", { body });
  expect(res.status).toBe(201);
  return (await res.json()) as ConversationResource;
}

describe("REST API: conversations and messages", () => {
  it("creates a customer's conversation that waits in the queue, and reads it back", async () => {
    const ws = await createWorkspace();
    const conversation = await create(ws);
    expect(conversation).toMatchObject({ subject: "VAT question", status: "queued", archived: false, contact: { name: "Carl Customer" } });
    const read = await api(ws, `/conversations/${conversation.id}`);
    expect(((await read.json()) as ConversationResource).id).toBe(conversation.id);
    const messages = (await (await api(ws, `/conversations/${conversation.id}/messages`)).json()) as { messages: Message[] };
    expect(messages.messages.map((m) => [m.seq, m.author.type, m.body])).toEqual([[1, "visitor", "Is the VAT return due?"]]);
  });

  it("starts a staff-initiated thread, active at once and written by the agent", async () => {
    const ws = await createWorkspace();
    const agent = await env.DB.prepare("SELECT id, name FROM agents WHERE workspace_id = ?").bind(ws.workspaceId).first<{ id: string; name: string }>();
    const conversation = await create(ws, { ...newConversation, initiatedBy: "agent", agentId: agent!.id, attention: "answered" });
    expect(conversation).toMatchObject({ status: "active", agentId: agent!.id, attention: "answered" });
    const { messages } = (await (await api(ws, `/conversations/${conversation.id}/messages`)).json()) as { messages: Message[] };
    expect(messages[0]!.author).toEqual({ type: "agent", id: agent!.id, name: agent!.name });
    const missing = await api(ws, "/conversations", { body: { ...newConversation, initiatedBy: "agent" } });
    expect(((await missing.json()) as ErrorBody).error.message).toBe("agentId: agentId is required when initiatedBy is agent");
  });

  it("posts messages as the customer or an agent, once per clientId, in order", async () => {
    const ws = await createWorkspace();
    const { id } = await create(ws);
    const post = (body: unknown) => api(ws, `/conversations/${id}/messages`, { body });
    const customer = await post({ body: "More details", author: "customer", clientId: "crm-note-0001" });
    expect(customer.status).toBe(201);
    const again = await post({ body: "More details", author: "customer", clientId: "crm-note-0001" });
    expect(((await again.json()) as Message).seq).toBe(2);
    const agent = (await (await post({ body: "Yes, on the 12th", author: "agent" })).json()) as Message;
    expect(agent).toMatchObject({ seq: 3, author: { type: "agent", name: "Support" } });
    const page = (await (await api(ws, `/conversations/${id}/messages?since=1&limit=1`)).json()) as { messages: Message[]; nextSince: number | null };
    expect(page.messages.map((m) => m.seq)).toEqual([2]);
    expect(page.nextSince).toBe(2);
    const transcript = (await (await api(ws, `/conversations/${id}/transcript`)).json()) as { text: string; messages: Message[] };
    expect(transcript.messages).toHaveLength(3);
    expect(transcript.text.split("\n")[2]).toMatch(/Support: Yes, on the 12th$/);
  });

  it("ends, archives and assigns; ended conversations take no more messages", async () => {
    const ws = await createWorkspace();
    const agent = await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ?").bind(ws.workspaceId).first<{ id: string }>();
    const { id } = await create(ws);
    const patched = await api(ws, `/conversations/${id}`, { method: "PATCH", body: { agentId: agent!.id, status: "ended", archived: true } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: "ended", archived: true, agentId: agent!.id });
    const late = await api(ws, `/conversations/${id}/messages`, { body: { body: "hello?", author: "customer" } });
    expect(late.status).toBe(409);
    expect(((await late.json()) as ErrorBody).error.code).toBe("conversation_ended");
    expect((await api(ws, `/conversations/${id}`, { method: "PATCH", body: {} })).status).toBe(400);
  });

  it("pages the list with a cursor, newest activity first, without repeats", async () => {
    const ws = await createWorkspace();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create(ws, { ...newConversation, subject: `n${i}` })).id);
    const first = (await (await api(ws, "/conversations?limit=2")).json()) as { conversations: ConversationResource[]; nextCursor: string };
    expect(first.conversations).toHaveLength(2);
    const second = (await (await api(ws, `/conversations?limit=2&cursor=${first.nextCursor}`)).json()) as {
      conversations: ConversationResource[];
      nextCursor: string | null;
    };
    expect(second.nextCursor).toBeNull();
    expect([...first.conversations, ...second.conversations].map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await api(ws, "/conversations?cursor=garbage")).status).toBe(400);
  });

  it("deletes a conversation with its messages, irreversibly", async () => {
    const ws = await createWorkspace();
    const { id } = await create(ws);
    expect((await api(ws, `/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(ws, `/conversations/${id}`)).status).toBe(404);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?").bind(id).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("REST API: contacts, accounts and tickets", () => {
  it("upserts accounts and contacts by the integrator's own ids", async () => {
    const ws = await createWorkspace();
    const put = (path: string, body: unknown) => api(ws, path, { method: "PUT", body });
    const account = await (await put("/accounts/acme-1", { name: "Acme Oy" })).json();
    expect(account).toMatchObject({ externalId: "acme-1", name: "Acme Oy" });
    expect(await (await put("/accounts/acme-1", { name: "Acme Ltd" })).json()).toMatchObject({ id: (account as { id: string }).id, name: "Acme Ltd" });
    const contact = (await (await put("/contacts/u-7", { name: "Ulla", email: "ulla@acme.example", accountExternalId: "acme-1" })).json()) as {
      id: string;
      accountId: string;
    };
    expect(contact.accountId).toBe((account as { id: string }).id);
    const renamed = (await (await put("/contacts/u-7", { name: "Ulla U.", email: "ulla@acme.example" })).json()) as { id: string; accountId: string };
    expect(renamed).toMatchObject({ id: contact.id, accountId: contact.accountId });
    const bad = await put("/contacts/u-8", { name: "X", email: "x@example.com", accountExternalId: "nope" });
    expect(((await bad.json()) as ErrorBody).error.message).toContain("accountExternalId");
    expect((await api(ws, "/contacts/unknown")).status).toBe(404);
  });

  it("creates and lists tickets", async () => {
    const ws = await createWorkspace();
    const created = await api(ws, "/tickets", { body: { contact: { name: "T", email: "t@example.com" }, question: "Call me" } });
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as { id: string; reference: string };
    expect(ticket.reference).toBe("T-1001");
    const list = (await (await api(ws, "/tickets")).json()) as { tickets: { id: string }[] };
    expect(list.tickets.map((t) => t.id)).toEqual([ticket.id]);
  });
});

describe("REST API: keys, scoping, bad input, idempotency", () => {
  it("answers 401 without a valid key and 404 for another workspace's objects", async () => {
    const x = await createWorkspace();
    const y = await createWorkspace();
    const { id } = await create(y);
    expect((await call("/api/v1/conversations")).status).toBe(401);
    expect((await call("/api/v1/conversations", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    for (const [method, path, body] of [
      ["GET", `/conversations/${id}`],
      ["PATCH", `/conversations/${id}`, { archived: true }],
      ["DELETE", `/conversations/${id}`],
      ["GET", `/conversations/${id}/messages`],
      ["POST", `/conversations/${id}/messages`, { body: "x", author: "agent" }],
      ["GET", `/conversations/${id}/transcript`],
    ] as const) {
      const res = await api(x, path, { method, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await api(y, `/conversations/${id}`)).status).toBe(200);
  });

  it("names the bad field, and refuses malformed JSON", async () => {
    const ws = await createWorkspace();
    const res = await api(ws, "/conversations", { body: { ...newConversation, contact: { name: "A", email: "nope" } } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/^contact\.email: /);
    const malformed = await call("/api/v1/conversations", {
      method: "POST",
      headers: { authorization: `Bearer ${ws.apiKey}`, "content-type": "application/json" },
      body: "{",
    });
    expect(((await malformed.json()) as ErrorBody).error.code).toBe("malformed_json");
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses a different request with it", async () => {
    const ws = await createWorkspace();
    const headers = { "idempotency-key": "create-42" };
    const first = await api(ws, "/conversations", { body: newConversation, headers });
    const again = await api(ws, "/conversations", { body: newConversation, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>();
    expect(count?.n).toBe(1);
    const other = await api(ws, "/conversations", { body: { ...newConversation, subject: "other" }, headers });
    expect(other.status).toBe(422);
  });

  it("publishes its OpenAPI document and a readable reference without a key", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/conversations/{id}/messages");
    const page = await call("/api/v1/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/api/v1/conversations/{id}/messages");
  });
});

describe("REST API: routing a conversation linked to a request", () => {
  async function addAgent(ws: Workspace, id: string) {
    await env.DB.prepare(
      "INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'Other', 'agent', 'x', ?)",
    )
      .bind(ws.workspaceId, id, `${id}@example.com`, Date.now())
      .run();
  }

  it("offers it only to the assigned agent", async () => {
    const ws = await createWorkspace();
    await addAgent(ws, `ag_other_${ws.workspaceId}`);
    const lobby = await agentOnline(ws);
    const routed = await create(ws, { ...newConversation, assignedAgentId: `ag_other_${ws.workspaceId}` });
    const open = await create(ws, { ...newConversation, subject: "for anyone" });
    const state = await stateAfter(lobby, 0, (s) => s.queue.some((q) => q.conversationId === open.id));
    expect(state.queue.map((q) => q.conversationId)).not.toContain(routed.id);
  });

  it("routes to a team only where the channel allows it", async () => {
    const ws = await createWorkspace();
    await env.DB.prepare("INSERT INTO teams (workspace_id, id, name, created_at) VALUES (?, 'tm_payroll', 'Payroll', ?)").bind(ws.workspaceId, Date.now()).run();
    const res = await api(ws, "/conversations", { body: { ...newConversation, assignedTeamId: "tm_payroll" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/^assignedTeamId: this channel does not route to teams/);
    await env.DB.prepare("UPDATE channels SET config = ? WHERE workspace_id = ?").bind(JSON.stringify({ allowTeamRouting: true }), ws.workspaceId).run();
    expect((await api(ws, "/conversations", { body: { ...newConversation, assignedTeamId: "tm_payroll" } })).status).toBe(201);
    expect((await api(ws, "/conversations", { body: { ...newConversation, assignedTeamId: "tm_nope" } })).status).toBe(400);
  });
});
