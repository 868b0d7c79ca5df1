import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationDetail, InboxPage } from "../../protocol/console";
import type { ServerFrame } from "../../protocol/frames";
import { roomFor } from "../../worker/rooms";
import { agentOnline, BASE, call, createWorkspace, signIn, TestSocket } from "./fixtures";
import { stateAfter } from "./lobby-helpers";
import { addAgent, agentIdOf, asAgent, historyInD1, quietRooms, remember, startChat, type ErrorBody } from "./console-fixtures";

type Detail = { conversation: ConversationDetail };

async function emails(workspaceId: string) {
  const { results } = await env.DB.prepare(
    "SELECT template, to_address, subject, text_body FROM email_outbox WHERE workspace_id = ? ORDER BY created_at, to_address",
  )
    .bind(workspaceId)
    .all<{ template: string; to_address: string; subject: string; text_body: string }>();
  return results;
}

afterEach(quietRooms);

describe("thread operations", () => {
  it("archives and reopens: the thread moves between Active and Archived", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const { conversation } = await startChat(ws);
    const ids = async (filter: string) =>
      (await agent.json<InboxPage>(`/api/console/conversations?filter=${filter}`)).conversations.map((c) => c.id);

    const archived = await agent.patch(`/api/console/conversations/${conversation.id}`, { archived: true });
    expect(archived.status).toBe(200);
    expect(((await archived.json()) as Detail).conversation.archived).toBe(true);
    expect(await ids("active")).toEqual([]);
    expect(await ids("archived")).toEqual([conversation.id]);

    await agent.patch(`/api/console/conversations/${conversation.id}`, { archived: false });
    expect(await ids("active")).toEqual([conversation.id]);
    expect(await ids("archived")).toEqual([]);
  });

  it("sets Attentive/Answered and refuses anything else", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const { conversation } = await startChat(ws);
    const path = `/api/console/conversations/${conversation.id}`;
    expect((await agent.json<Detail>(path)).conversation.attention).toBe("attentive");
    expect((await agent.patch(path, { attention: "answered" })).status).toBe(200);
    expect((await agent.json<Detail>(path)).conversation.attention).toBe("answered");

    for (const bad of [{}, { attention: "done" }, { archived: "yes" }, { status: "ended" }, { responsibleAgentId: "" }]) {
      const res = await agent.patch(path, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
    expect((await agent.json<Detail>(path)).conversation).toMatchObject({ attention: "answered", archived: false });
  });

  it("assigns the responsible agent, in the inbox and in the room", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const colleague = await addAgent(ws, "agent", "Olli Colleague");
    const { conversation, token } = await startChat(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);
    const path = `/api/console/conversations/${conversation.id}`;

    const res = await agent.patch(path, { responsibleAgentId: colleague.id });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Detail).conversation.responsibleAgent).toEqual({ id: colleague.id, name: "Olli Colleague" });
    expect((await roomFor(env, conversation.id).snapshot()).agent).toEqual({ id: colleague.id, name: "Olli Colleague" });
    await visitor.next((f) => f.type === "status" && f.agent?.id === colleague.id);

    const stranger = await addAgent(await createWorkspace());
    const refused = await agent.patch(path, { responsibleAgentId: stranger.id });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.message).toContain("responsibleAgentId");
    visitor.close();
  });

  it("ends the chat for the visitor; ending twice is a conflict", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const { conversation, token } = await startChat(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);
    expect((await agent.post(`/api/console/conversations/${conversation.id}/end`)).status).toBe(204);
    await visitor.next((f) => f.type === "status" && f.status === "ended" && f.endedBy === "agent");
    const again = await agent.post(`/api/console/conversations/${conversation.id}/end`);
    expect(again.status).toBe(409);
    visitor.close();
  });

  it("emails the transcript to the contact, or to another address, once per state of the thread", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const { conversation } = await startChat(ws, "Please send me the steps");
    const path = `/api/console/conversations/${conversation.id}/transcript`;
    const res = await agent.post(path);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ to: "vera@example.com" });
    await agent.post(path);
    expect((await agent.post(path, { to: "boss@example.com" })).status).toBe(200);
    const sent = (await emails(ws.workspaceId)).filter((e) => e.template === "transcript");
    expect(sent.map((e) => e.to_address).sort()).toEqual(["boss@example.com", "vera@example.com"]);
    expect(sent[0]!.text_body).toContain("Vera Visitor: Please send me the steps");

    for (const bad of [{ to: "not an email" }, { to: 5 }, { cc: "x@example.com" }]) {
      expect((await agent.post(path, bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("notify administrators: every other admin gets an email and a notification", async () => {
    const ws = await createWorkspace();
    const agentPlain = await addAgent(ws, "agent", "Plain Agent");
    const secondAdmin = await addAgent(ws, "admin", "Second Admin");
    const { conversation } = await startChat(ws, "This customer threatens to leave");
    const res = await asAgent(agentPlain.cookie).post(`/api/console/conversations/${conversation.id}/notify-admins`, {
      note: "Please call them today",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ notified: 2 });

    const alerts = (await emails(ws.workspaceId)).filter((e) => e.template === "admin_alert");
    expect(alerts.map((e) => e.to_address).sort()).toEqual([secondAdmin.email, ws.agentEmail].sort());
    expect(alerts[0]!.text_body).toContain("Plain Agent asks the administrators");
    expect(alerts[0]!.text_body).toContain("Please call them today");
    expect(alerts[0]!.text_body).toContain(`/console#c=${conversation.id}`);

    const list = await asAgent(secondAdmin.cookie).json<{ notifications: { conversationId: string; kind: string; preview: string }[]; unseen: number }>(
      "/api/console/notifications",
    );
    expect(list.unseen).toBe(1);
    expect(list.notifications[0]).toMatchObject({ conversationId: conversation.id, kind: "alert", preview: "Please call them today" });
    const plain = await asAgent(agentPlain.cookie).json<{ unseen: number }>("/api/console/notifications");
    expect(plain.unseen).toBe(0);

    const tooLong = await asAgent(agentPlain.cookie).post(`/api/console/conversations/${conversation.id}/notify-admins`, {
      note: "x".repeat(1001),
    });
    expect(tooLong.status).toBe(400);
  });

  it("starts a conversation with a customer: subject, message, status and responsible agent", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const agent = asAgent(cookie);
    const colleague = await addAgent(ws, "agent", "Olli Colleague");
    const res = await agent.post("/api/console/conversations", {
      channelId: ws.channelId,
      contact: { name: "Carla Customer", email: "carla@example.com" },
      subject: "Your March payroll",
      message: { clientId: crypto.randomUUID(), body: "We need your hours for March." },
      attention: "answered",
      responsibleAgentId: colleague.id,
    });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as Detail;
    remember(conversation.id);
    expect(conversation).toMatchObject({
      subject: "Your March payroll",
      status: "active",
      attention: "answered",
      responsibleAgent: { id: colleague.id, name: "Olli Colleague" },
      contact: { name: "Carla Customer", email: "carla@example.com" },
    });
    const me = await agentIdOf(ws);
    const socket = await TestSocket.agent(conversation.id, cookie);
    socket.send({ type: "resume", since: 0 });
    const history = await socket.next<"history">((f: ServerFrame) => f.type === "history");
    expect(history.messages.map((m) => [m.author.id, m.body])).toEqual([[me, "We need your hours for March."]]);
    await historyInD1(ws, conversation.id, 1);
    socket.close();

    for (const bad of [
      { channelId: ws.channelId, contact: { name: "C", email: "nope" }, subject: "s", message: { clientId: crypto.randomUUID(), body: "b" } },
      { channelId: ws.channelId, contact: { name: "C", email: "c@example.com" }, subject: "", message: { clientId: crypto.randomUUID(), body: "b" } },
      { channelId: ws.channelId, contact: { name: "C", email: "c@example.com" }, subject: "s", message: { clientId: "x", body: "b" } },
      { channelId: "ch_nope", contact: { name: "C", email: "c@example.com" }, subject: "s", message: { clientId: crypto.randomUUID(), body: "b" } },
    ]) {
      expect((await agent.post("/api/console/conversations", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const other = await createWorkspace();
    const foreignChannel = await agent.post("/api/console/conversations", {
      channelId: other.channelId,
      contact: { name: "C", email: "c@example.com" },
      subject: "s",
      message: { clientId: crypto.randomUUID(), body: "b" },
    });
    expect(foreignChannel.status).toBe(400);
  });

  it("deletes for good: messages, files, read marks, notifications, the room and the queue entry", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const agent = asAgent(cookie);
    const lobby = await agentOnline(ws);
    const { conversation, token } = await startChat(ws, "Delete me, zanzibar");
    await stateAfter(lobby, 0, (s) => s.queue.some((q) => q.conversationId === conversation.id));
    const visitor = await TestSocket.visitor(conversation.id, token);
    const uploaded = await call(`/api/console/conversations/${conversation.id}/attachments`, {
      method: "POST",
      headers: { cookie, origin: BASE, "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "note.txt" },
      body: "bytes",
    });
    expect(uploaded.status).toBe(201);
    await historyInD1(ws, conversation.id, 2);
    await agent.post(`/api/console/conversations/${conversation.id}/read`, { seq: 2 });
    const prefix = `${ws.workspaceId}/${conversation.id}/`;
    expect((await env.FILES.list({ prefix })).objects).toHaveLength(1);

    const from = lobby.frames.length;
    expect((await agent.delete(`/api/console/conversations/${conversation.id}`)).status).toBe(204);

    const count = async (table: string, column = "conversation_id") =>
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ? AND ${column} = ?`)
        .bind(ws.workspaceId, conversation.id)
        .first<{ n: number }>())!.n;
    for (const table of ["messages", "attachments", "conversation_reads", "notifications", "messages_fts", "conversations_fts"]) {
      expect(await count(table), table).toBe(0);
    }
    expect(await count("conversations", "id")).toBe(0);
    expect((await env.FILES.list({ prefix })).objects).toEqual([]);
    const room = await roomFor(env, conversation.id).fetch(new Request("https://room/", { headers: { upgrade: "websocket" } }));
    expect(room.status, "the room answers as one never initialised").toBe(404);
    await stateAfter(lobby, from, (s) => !s.queue.some((q) => q.conversationId === conversation.id));
    // The visitor's socket is closed by the room as it forgets the conversation.
    if (visitor.ws.readyState !== WebSocket.CLOSED) await new Promise((r) => visitor.ws.addEventListener("close", r, { once: true }));

    expect((await agent.get(`/api/console/conversations/${conversation.id}`)).status).toBe(404);
    expect((await agent.delete(`/api/console/conversations/${conversation.id}`)).status).toBe(404);
    expect((await agent.json<InboxPage>("/api/console/conversations?filter=all&q=zanzibar")).conversations).toEqual([]);
  });

  it("lists the workspace's agents for assignment", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    await addAgent(ws, "agent", "Aaron First");
    await addAgent(await createWorkspace(), "agent", "Elsewhere");
    const { agents } = await agent.json<{ agents: { name: string; role: string }[] }>("/api/console/agents");
    expect(agents.map((a) => a.name)).toEqual(["Aaron First", expect.stringMatching(/^Agent /)]);
  });
});
