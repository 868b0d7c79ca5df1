import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../../protocol/frames";
import { addAgent, asAgent, historyInD1 } from "./console-fixtures";
import { call, TestSocket, type Workspace } from "./fixtures";
import {
  acceptedConversation,
  emailsOf,
  eventually,
  fireTimer,
  frameAfter,
  newClientId,
  sendAndExpectError,
  sendMessage,
  settled,
  silenceRooms,
  timer,
  type RoomSocket,
} from "./room-helpers";

afterEach(silenceRooms);
afterEach(() => vi.restoreAllMocks());

type Live = Awaited<ReturnType<typeof acceptedConversation>>;

async function sendNote(socket: RoomSocket, body: string, mentions?: string[]): Promise<number> {
  const clientId = newClientId();
  socket.send({ type: "send", clientId, body, visibility: "note", ...(mentions ? { mentions } : {}) });
  return (await socket.next<"ack">((f) => f.type === "ack" && f.clientId === clientId)).seq;
}

/** Everything the socket has been sent as a message, live or in history. */
const bodiesSeenBy = (socket: RoomSocket) =>
  socket.frames.flatMap((f) => (f.type === "message" ? [f.message] : f.type === "history" ? f.messages : [])).map((m) => m.body);

function api(ws: Workspace, path: string, method = "GET", body?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** Waits until the room owes nothing more to D1 or its outbox. */
async function workDone(live: Live) {
  await eventually(() =>
    runInDurableObject(live.room, (_room, state) => {
      const sql = state.storage.sql;
      const owed =
        sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n +
        sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM schedule WHERE name = 'sync'").one().n;
      return owed === 0 ? true : null;
    }),
  );
}

describe("a private note", () => {
  it("reaches the agents' sockets with its visibility, and never the visitor's, live or on resume", async () => {
    const live = await acceptedConversation();
    const colleague = await addAgent(live.ws);
    const second = await TestSocket.agent(live.conversation.id, colleague.cookie);
    const from = second.frames.length;
    const seq = await sendNote(live.agentSocket, "Customer is on the legacy plan; check billing first");
    const seen = await frameAfter<"message">(second, from, (f) => f.type === "message" && f.message.seq === seq);
    expect(seen.message).toMatchObject({ visibility: "note", author: { type: "agent", id: live.agent.id } });

    // A later public message reaches the visitor; the note before it never does.
    const after = await sendMessage(live.agentSocket, "Could you try again now?");
    await live.visitor.next((f) => f.type === "message" && f.message.seq === after);
    await settled(live.visitor);
    expect(bodiesSeenBy(live.visitor)).not.toContain("Customer is on the legacy plan; check billing first");
    expect(live.visitor.frames.some((f) => f.type === "message" && f.message.seq === seq)).toBe(false);

    // Resuming from the start: the visitor's history skips the note, the agent's has it, marked.
    const vFrom = live.visitor.frames.length;
    live.visitor.send({ type: "resume", since: 0 });
    const vHistory = await frameAfter<"history">(live.visitor, vFrom, (f) => f.type === "history");
    expect(vHistory.messages.map((m) => m.seq)).not.toContain(seq);
    expect(vHistory.messages.map((m) => m.seq)).toContain(after);
    const aFrom = second.frames.length;
    second.send({ type: "resume", since: 0 });
    const aHistory = await frameAfter<"history">(second, aFrom, (f) => f.type === "history");
    expect(aHistory.messages.find((m) => m.seq === seq)).toMatchObject({ visibility: "note" });
    second.close();
  });

  it("pages the visitor's history past a run of notes without stalling", async () => {
    const live = await acceptedConversation();
    for (let i = 0; i < 5; i++) await sendNote(live.agentSocket, `note ${i}`);
    const last = await sendMessage(live.agentSocket, "Answer after the notes");
    const from = live.visitor.frames.length;
    live.visitor.send({ type: "resume", since: 2 });
    const history = await frameAfter<"history">(live.visitor, from, (f) => f.type === "history");
    expect(history.messages.map((m) => m.body)).toEqual(["Answer after the notes"]);
    expect(history.messages[0]!.seq).toBe(last);
  });

  it("cannot be written by the visitor, and mentions belong to notes only", async () => {
    const live = await acceptedConversation();
    const refused = await sendAndExpectError(live.visitor, { type: "send", clientId: newClientId(), body: "sneaky", visibility: "note" });
    expect(refused.code).toBe("not_allowed");
    const bad = await sendAndExpectError(live.agentSocket, { type: "send", clientId: newClientId(), body: "hi", mentions: [live.agent.id] });
    expect(bad.code).toBe("bad_frame");
    const tooMany = await sendAndExpectError(live.agentSocket, {
      type: "send",
      clientId: newClientId(),
      body: "all hands",
      visibility: "note",
      mentions: Array.from({ length: 11 }, (_, i) => `ag_${i}`),
    });
    expect(tooMany.code).toBe("bad_frame");
    const noteTyping = await sendAndExpectError(live.visitor, { type: "typing", active: true, note: true });
    expect(noteTyping.code).toBe("not_allowed");
    const stored = await runInDurableObject(live.room, (_r, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE visibility = 'note'").one().n,
    );
    expect(stored).toBe(0);
  });

  it("starts no unseen-reply email and no idle clock, and is left out of the reply email that goes", async () => {
    const live = await acceptedConversation({ replyEmailDelaySeconds: 60 });
    live.visitor.close();
    await sendNote(live.agentSocket, "Internal: waiting for the billing team");
    await settled(live.agentSocket);
    expect(await timer(live.room, "reply_email")).toBeNull();
    expect(await timer(live.room, "idle_close")).toBeNull();

    await sendMessage(live.agentSocket, "We have fixed your account.");
    await sendNote(live.agentSocket, "Internal: second note after the reply");
    await fireTimer(live.room, "reply_email");
    const [email] = await eventually(async () => {
      const rows = (await emailsOf(live.ws.workspaceId)).filter((e) => e.template === "reply");
      return rows.length > 0 ? rows : null;
    });
    expect(email!.text_body).toContain("We have fixed your account.");
    expect(email!.text_body).not.toContain("Internal:");
  });

  it("is not in the transcript emailed at the end, nor in conversation.ended, nor a message.created; it is a note.created", async () => {
    const live = await acceptedConversation({ transcriptEmail: true });
    await api(live.ws, "/webhooks", "POST", {
      url: "https://receiver.example/parley",
      events: ["message.created", "note.created", "conversation.ended"],
    });
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("ok"));
    await sendMessage(live.agentSocket, "Public answer");
    const noteSeq = await sendNote(live.agentSocket, "Secret: refund approved by Sam", [live.agent.id]);
    live.visitor.send({ type: "end" });
    await live.visitor.next((f) => f.type === "status" && f.status === "ended");
    await workDone(live);

    const transcript = (await emailsOf(live.ws.workspaceId)).find((e) => e.template === "transcript");
    expect(transcript!.text_body).toContain("Public answer");
    expect(transcript!.text_body).not.toContain("Secret");

    const { results } = await env.DB.prepare("SELECT event_type, payload FROM webhook_deliveries WHERE workspace_id = ? ORDER BY created_at")
      .bind(live.ws.workspaceId)
      .all<{ event_type: string; payload: string }>();
    const events = results.map((r) => ({ type: r.event_type, data: JSON.parse(r.payload).data }));
    const messages = events.filter((e) => e.type === "message.created").map((e) => (e.data.message as Message).body);
    expect(messages).toContain("Public answer");
    expect(messages.join("\n")).not.toContain("Secret");
    const notes = events.filter((e) => e.type === "note.created");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data.note).toMatchObject({ seq: noteSeq, visibility: "note", body: "Secret: refund approved by Sam" });
    const ended = events.find((e) => e.type === "conversation.ended")!;
    expect((ended.data.transcript as Message[]).map((m) => m.body).join("\n")).not.toContain("Secret");
  });

  it("is not the first agent reply in reports, nor the thread's last reply in the inbox", async () => {
    const live = await acceptedConversation();
    const seq = await sendNote(live.agentSocket, "Looking into it");
    await historyInD1(live.ws, live.conversation.id, seq);
    await workDone(live);
    const facts = await env.DB.prepare("SELECT first_agent_reply_at FROM conversation_facts WHERE workspace_id = ? AND conversation_id = ?")
      .bind(live.ws.workspaceId, live.conversation.id)
      .first<{ first_agent_reply_at: number | null }>();
    expect(facts?.first_agent_reply_at ?? null).toBeNull();
    const { conversation } = await asAgent(live.agentCookie).json<{ conversation: { lastAuthorName: string | null } }>(
      `/api/console/conversations/${live.conversation.id}`,
    );
    expect(conversation.lastAuthorName).not.toBe(live.agent.name);
  });
});

describe("a mention in a note", () => {
  it("notifies the mentioned agent in the console, once per thread, and by email while they are away", async () => {
    const live = await acceptedConversation();
    const colleague = await addAgent(live.ws, "agent", "Sam Second");
    const first = await sendNote(live.agentSocket, "@Sam Second can you check the invoice?", [colleague.id, "ag_nobody", live.agent.id]);
    const second = await sendNote(live.agentSocket, "@Sam Second and the refund too", [colleague.id]);
    await historyInD1(live.ws, live.conversation.id, second);
    await workDone(live);

    const { notifications } = await asAgent(colleague.cookie).json<{ notifications: { conversationId: string; kind: string; preview: string }[] }>(
      "/api/console/notifications",
    );
    const mine = notifications.filter((n) => n.conversationId === live.conversation.id);
    expect(mine).toEqual([expect.objectContaining({ kind: "mention", preview: "@Sam Second and the refund too" })]);

    const emails = (await emailsOf(live.ws.workspaceId)).filter((e) => e.idempotency_key.startsWith("mention:"));
    expect(emails.map((e) => e.to_address).sort()).toEqual([colleague.email, colleague.email]);
    expect(emails.map((e) => e.idempotency_key)).toContain(`mention:${live.conversation.id}:${first}:${colleague.id}`);
    // The author mentioning themselves, or an id from elsewhere, gets nothing.
    const { results } = await env.DB.prepare("SELECT agent_id FROM notifications WHERE workspace_id = ? AND kind = 'mention'")
      .bind(live.ws.workspaceId)
      .all<{ agent_id: string }>();
    expect(results.map((r) => r.agent_id)).toEqual([colleague.id]);
  });
});

describe("notes over the REST API", () => {
  it("are marked in the messages, left out of the customer's transcript unless asked, and written only as an agent", async () => {
    const live = await acceptedConversation();
    await sendMessage(live.agentSocket, "Hello from support");
    const posted = await api(live.ws, `/conversations/${live.conversation.id}/messages`, "POST", {
      body: "API note: VIP customer",
      author: "agent",
      visibility: "note",
    });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toMatchObject({ visibility: "note" });
    const asCustomer = await api(live.ws, `/conversations/${live.conversation.id}/messages`, "POST", {
      body: "pretend",
      author: "customer",
      visibility: "note",
    });
    expect(asCustomer.status).toBe(400);

    const page = (await (await api(live.ws, `/conversations/${live.conversation.id}/messages`)).json()) as { messages: Message[] };
    expect(page.messages.map((m) => m.visibility)).toContain("public");
    expect(page.messages.find((m) => m.body === "API note: VIP customer")?.visibility).toBe("note");

    const transcript = (await (await api(live.ws, `/conversations/${live.conversation.id}/transcript`)).json()) as { messages: Message[]; text: string };
    expect(transcript.text).toContain("Hello from support");
    expect(transcript.text).not.toContain("VIP");
    const asked = (await (await api(live.ws, `/conversations/${live.conversation.id}/transcript?notes=true`)).json()) as { text: string };
    expect(asked.text).toContain("(private note) Support: API note: VIP customer".replace("Support", live.agent.name));
    const text = await (await api(live.ws, `/conversations/${live.conversation.id}/transcript.txt`)).text();
    expect(text).not.toContain("VIP");
    expect(await (await api(live.ws, `/conversations/${live.conversation.id}/transcript.txt?notes=true`)).text()).toContain("VIP");
    expect((await api(live.ws, `/conversations/${live.conversation.id}/transcript?notes=maybe`)).status).toBe(400);
  });
});

describe("notes in the console", () => {
  it("are written and read by an agent as by an admin; print and emailed transcripts leave them out unless asked", async () => {
    const live = await acceptedConversation();
    const plain = await addAgent(live.ws, "agent");
    const socket = await TestSocket.agent(live.conversation.id, plain.cookie);
    const seq = await sendNote(socket, "Agent-only remark");
    expect(seq).toBeGreaterThan(0);
    await settled(live.agentSocket);
    expect(bodiesSeenBy(live.agentSocket)).toContain("Agent-only remark");

    const console = asAgent(plain.cookie);
    const text = await (await console.get(`/api/console/conversations/${live.conversation.id}/transcript.txt`)).text();
    expect(text).not.toContain("Agent-only remark");
    const withNotes = await (await console.get(`/api/console/conversations/${live.conversation.id}/transcript.txt?notes=true`)).text();
    expect(withNotes).toContain("(private note)");
    expect((await console.post(`/api/console/conversations/${live.conversation.id}/transcript`, {})).status).toBe(200);
    const emailed = await eventually(async () => (await emailsOf(live.ws.workspaceId)).find((e) => e.idempotency_key.startsWith("console-transcript:")) ?? null);
    expect(emailed.text_body).not.toContain("Agent-only remark");
    socket.close();
  });
});
