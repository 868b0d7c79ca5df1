import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationList } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { emailNewMessages } from "../../worker/db/notifications";
import { roomFor } from "../../worker/rooms";
import { createWorkspace, signIn, TestSocket, type Workspace } from "./fixtures";
import { agentIdOf, asAgent, historyInD1, quietRooms, startChat } from "./console-fixtures";

afterEach(quietRooms);

/** A visitor's chat that the workspace's agent has accepted, once D1 knows who is responsible. */
async function acceptedChat(ws: Workspace, question: string) {
  const started = await startChat(ws, question);
  const agentId = await agentIdOf(ws);
  expect(await roomFor(env, started.conversation.id).accept({ id: agentId, name: "Dana" })).toBe(true);
  const deadline = Date.now() + 5000;
  while (
    (await env.DB.prepare("SELECT agent_id FROM conversations WHERE workspace_id = ? AND id = ?")
      .bind(ws.workspaceId, started.conversation.id)
      .first<{ agent_id: string | null }>())?.agent_id !== agentId
  ) {
    if (Date.now() > deadline) throw new Error("the room did not copy the accept to D1");
    await new Promise((r) => setTimeout(r, 50));
  }
  const visitor = await TestSocket.visitor(started.conversation.id, started.token);
  return { id: started.conversation.id, visitor };
}

function say(visitor: TestSocket, body: string): void {
  visitor.send({ type: "send", clientId: crypto.randomUUID(), body });
}

describe("in-console notifications", () => {
  it("one entry per thread, updated and moved to the top by each new message", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const first = await acceptedChat(ws, "First thread");
    const second = await acceptedChat(ws, "Second thread");
    // Accepting writes a system message; the first question was written before anyone was responsible.
    await historyInD1(ws, first.id, 2);
    await historyInD1(ws, second.id, 2);
    expect((await agent.json<NotificationList>("/api/console/notifications")).notifications).toEqual([]);

    say(first.visitor, "Hello from the first");
    await historyInD1(ws, first.id, 3);
    say(second.visitor, "Hello from the second");
    await historyInD1(ws, second.id, 3);
    let list = await agent.json<NotificationList>("/api/console/notifications");
    expect(list.notifications.map((n) => [n.subject, n.preview])).toEqual([
      ["Second thread", "Hello from the second"],
      ["First thread", "Hello from the first"],
    ]);
    expect(list.unseen).toBe(2);

    say(first.visitor, "Anyone there?");
    await historyInD1(ws, first.id, 4);
    list = await agent.json<NotificationList>("/api/console/notifications");
    expect(list.notifications.map((n) => [n.subject, n.preview, n.authorName])).toEqual([
      ["First thread", "Anyone there?", "Vera Visitor"],
      ["Second thread", "Hello from the second", "Vera Visitor"],
    ]);

    await agent.post(`/api/console/conversations/${first.id}/read`, { seq: 4 });
    list = await agent.json<NotificationList>("/api/console/notifications");
    expect(list.unseen).toBe(1);
    expect(list.notifications.map((n) => n.unseen)).toEqual([false, true]);
    first.visitor.close();
    second.visitor.close();
  });

  it("an agent is not notified of their own replies", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const chat = await acceptedChat(ws, "Question");
    const socket = await TestSocket.agent(chat.id, cookie);
    socket.send({ type: "send", clientId: crypto.randomUUID(), body: "My answer" });
    await historyInD1(ws, chat.id, 3);
    expect((await asAgent(cookie).json<NotificationList>("/api/console/notifications")).notifications).toEqual([]);
    socket.close();
    chat.visitor.close();
  });
});

describe("email notifications while away", () => {
  const message = (seq: number, type: "visitor" | "agent", body: string): Message => ({
    seq,
    clientId: `c-${seq}-${crypto.randomUUID()}`,
    author: { type, id: null, name: type === "visitor" ? "Vera Visitor" : "Dana" },
    body,
    createdAt: Date.now(),
  });

  /**
   * The notification emails of the given messages (by seq): the room's own sync also emails the
   * messages it stores, on its own schedule, and those are not what a test hands in.
   */
  async function notificationEmails(workspaceId: string, seqs: number[]) {
    const { results } = await env.DB.prepare(
      "SELECT to_address, subject, text_body, idempotency_key FROM email_outbox WHERE workspace_id = ? AND template = 'notification' ORDER BY to_address, created_at",
    )
      .bind(workspaceId)
      .all<{ to_address: string; subject: string; text_body: string; idempotency_key: string }>();
    // Keys are notify:<conversation>:<seq>:<recipient>.
    return results.filter((r) => seqs.includes(Number(r.idempotency_key.split(":")[2])));
  }

  it("emails the responsible agent and the channel's address, once per message, only while the agent is away", async () => {
    const ws = await createWorkspace({ config: { notificationEmail: "office@firma.fi" } });
    const cookie = await signIn(ws);
    const chat = await acceptedChat(ws, "Question");

    await emailNewMessages(env, ws.workspaceId, chat.id, [message(3, "visitor", "Are you there?"), message(4, "agent", "x")]);
    await emailNewMessages(env, ws.workspaceId, chat.id, [message(3, "visitor", "Are you there?")]);
    let sent = await notificationEmails(ws.workspaceId, [3, 4, 5, 6]);
    expect(sent.map((e) => e.to_address).sort()).toEqual([ws.agentEmail, "office@firma.fi"].sort());
    expect(sent[0]!.subject).toBe("New message from Vera Visitor");
    expect(sent[0]!.text_body).toBe("Vera Visitor: Are you there?\n\nReply to this email to answer the customer.\n");

    // An open console polls notifications: the agent is present, and nothing is emailed.
    await asAgent(cookie).get("/api/console/notifications");
    await emailNewMessages(env, ws.workspaceId, chat.id, [message(5, "visitor", "Still there?")]);
    expect(await notificationEmails(ws.workspaceId, [3, 4, 5, 6])).toHaveLength(2);

    // Signing out closes the console.
    await asAgent(cookie).delete("/api/console/session");
    await emailNewMessages(env, ws.workspaceId, chat.id, [message(6, "visitor", "Hello?")]);
    sent = await notificationEmails(ws.workspaceId, [3, 4, 5, 6]);
    expect(sent).toHaveLength(4);
    chat.visitor.close();
  });

  it("the room sends them itself as its messages reach D1", async () => {
    const ws = await createWorkspace({ config: { notificationEmail: "office@firma.fi" } });
    const { conversation } = await startChat(ws, "Is anyone there?");
    for (let i = 0; ; i++) {
      const sent = await notificationEmails(ws.workspaceId, [1]);
      if (sent.length > 0) {
        expect(sent.map((e) => [e.to_address, e.text_body])).toEqual([["office@firma.fi", "Vera Visitor: Is anyone there?\n\nReply to this email to answer the customer.\n"]]);
        break;
      }
      expect(i, `no email for ${conversation.id}`).toBeLessThan(100);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("a thread nobody is responsible for yet goes to the channel's address only", async () => {
    const ws = await createWorkspace({ config: { notificationEmail: "office@firma.fi" } });
    const { conversation } = await startChat(ws, "Waiting in the queue");
    await emailNewMessages(env, ws.workspaceId, conversation.id, [message(1, "visitor", "Waiting in the queue")]);
    expect((await notificationEmails(ws.workspaceId, [1])).map((e) => e.to_address)).toEqual(["office@firma.fi"]);
  });
});
