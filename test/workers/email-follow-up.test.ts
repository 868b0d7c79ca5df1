import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationDetail, OriginalEmailResponse } from "../../protocol/console";
import { LIMITS } from "../../protocol/limits";
import { receiveEmail } from "../../worker/email/inbound/receive";
import { replyAddress } from "../../worker/email/reply-address";
import { roomFor } from "../../worker/rooms";
import { asAgent, quietRooms, remember } from "./console-fixtures";
import { incoming, mime } from "./email-mime";
import { lobbyOf } from "./lobby-helpers";
import { acceptedConversation, silenceRooms } from "./room-helpers";

afterEach(async () => {
  await silenceRooms();
  await quietRooms();
});

const CUSTOMER = "vera@example.com";
const msgId = () => `<${crypto.randomUUID()}@mail.gmail.com>`;

async function endedConversation(config: Record<string, unknown> = {}) {
  const live = await acceptedConversation(config);
  await live.room.end({ role: "agent", id: live.agent.id, name: live.agent.name });
  const to = await replyAddress(env, { kind: "customer", conversationId: live.conversation.id });
  return { ...live, to, agent: live.agent, console: asAgent(live.agentCookie) };
}

async function followUpsOf(workspaceId: string, conversationId: string) {
  const { results } = await env.DB.prepare("SELECT id, contact_id, status, subject FROM conversations WHERE workspace_id = ? AND follow_up_of = ?")
    .bind(workspaceId, conversationId)
    .all<{ id: string; contact_id: string; status: string; subject: string }>();
  for (const r of results) remember(r.id);
  return results;
}

const contactOf = async (workspaceId: string, id: string) =>
  (await env.DB.prepare("SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first<{ contact_id: string }>())!.contact_id;

describe("a customer emails after the chat ended", () => {
  it("on a follow-up channel: a new conversation of the same contact, linked both ways, waiting for an agent; the ended one stays ended", async () => {
    const live = await endedConversation({ emailAfterEnd: "follow_up" });
    const raw = mime.gmailReply({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "One more thing: the invoice is wrong." });
    const message = incoming(raw, { from: CUSTOMER, to: live.to });
    await receiveEmail(message, env);
    expect(message.setReject).not.toHaveBeenCalled();

    const [followUp, ...more] = await followUpsOf(live.ws.workspaceId, live.conversation.id);
    expect(more).toEqual([]);
    expect(followUp).toMatchObject({ status: "queued", subject: "Follow-up: I cannot log in to the portal" });
    expect(followUp!.contact_id).toBe(await contactOf(live.ws.workspaceId, live.conversation.id));
    const history = await roomFor(env, followUp!.id).history(0);
    expect(history.map((m) => [m.author.type, m.body])).toEqual([["visitor", "One more thing: the invoice is wrong."]]);
    expect((await live.room.snapshot()).status).toBe("ended");
    // It waits for any agent, not only the earlier one, who may be away.
    const queued = await runInDurableObject(lobbyOf(live.ws.channelId), (_l, state) =>
      state.storage.sql.exec("SELECT assigned_agent_id, team_agent_ids FROM queue WHERE conversation_id = ?", followUp!.id).toArray(),
    );
    expect(queued).toEqual([{ assigned_agent_id: null, team_agent_ids: null }]);

    // The same email delivered again (the mail server retries) goes to the same follow-up, once.
    await receiveEmail(incoming(raw, { from: CUSTOMER, to: live.to }), env);
    expect(await followUpsOf(live.ws.workspaceId, live.conversation.id)).toHaveLength(1);
    expect(await roomFor(env, followUp!.id).history(0)).toHaveLength(1);

    const previous = await live.console.json<{ conversation: ConversationDetail }>(`/api/console/conversations/${live.conversation.id}`);
    expect(previous.conversation.followUps).toEqual([{ id: followUp!.id, subject: followUp!.subject }]);
    const next = await live.console.json<{ conversation: ConversationDetail }>(`/api/console/conversations/${followUp!.id}`);
    expect(next.conversation.followUpOf).toEqual({ id: live.conversation.id, subject: "I cannot log in to the portal" });
  });

  it(`on a reopening channel: reopened up to ${LIMITS.conversation.maxReopens} times, then the next email starts a follow-up instead of being lost`, async () => {
    const live = await endedConversation();
    for (let i = 0; i < LIMITS.conversation.maxReopens; i++) {
      await receiveEmail(incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: `Question ${i}` }), { from: CUSTOMER, to: live.to }), env);
      expect((await live.room.snapshot()).status).toBe("active");
      await live.room.end({ role: "agent", id: live.agent.id, name: live.agent.name });
    }
    expect(await followUpsOf(live.ws.workspaceId, live.conversation.id)).toEqual([]);
    const last = incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "Still there?" }), { from: CUSTOMER, to: live.to });
    await receiveEmail(last, env);
    expect(last.setReject).not.toHaveBeenCalled();
    const [followUp] = await followUpsOf(live.ws.workspaceId, live.conversation.id);
    expect((await roomFor(env, followUp!.id).history(0)).map((m) => m.body)).toEqual(["Still there?"]);
    expect((await live.room.snapshot()).status).toBe("ended");
  });

  it("an agent's email to an ended conversation still reopens it: follow-ups are the customer's", async () => {
    const live = await endedConversation({ emailAfterEnd: "follow_up" });
    const to = await replyAddress(env, { kind: "agent", conversationId: live.conversation.id });
    const agentEmail = (await env.DB.prepare("SELECT email FROM agents WHERE workspace_id = ? AND id = ?").bind(live.ws.workspaceId, live.agent.id).first<{ email: string }>())!.email;
    await receiveEmail(incoming(mime.plain({ from: agentEmail, to, messageId: msgId(), text: "Following up myself." }), { from: agentEmail, to }), env);
    expect((await live.room.snapshot()).status).toBe("active");
    expect(await followUpsOf(live.ws.workspaceId, live.conversation.id)).toEqual([]);
  });

  it("a file-only email starts a follow-up that holds the file", async () => {
    const live = await endedConversation({ emailAfterEnd: "follow_up" });
    const bytes = new TextEncoder().encode("%PDF-1.4 receipt");
    const raw = mime.withAttachment({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "", fileName: "receipt.pdf", bytes });
    await receiveEmail(incoming(raw, { from: CUSTOMER, to: live.to }), env);
    const [followUp] = await followUpsOf(live.ws.workspaceId, live.conversation.id);
    const history = await roomFor(env, followUp!.id).history(0);
    expect(history.map((m) => m.attachment?.name ?? m.body)).toEqual(["(files sent by email)", "receipt.pdf"]);
  });
});

describe("the original email stays readable", () => {
  it("the agent can open the whole text of an emailed reply, quoted history included; other messages have none", async () => {
    const live = await acceptedConversation();
    const to = await replyAddress(env, { kind: "customer", conversationId: live.conversation.id });
    await receiveEmail(incoming(mime.gmailReply({ from: CUSTOMER, to, messageId: msgId(), text: "It works now." }), { from: CUSTOMER, to }), env);
    const message = (await live.room.history(0)).at(-1)!;
    expect(message.body).toBe("It works now.");
    const agent = asAgent(live.agentCookie);
    const { email } = await agent.json<OriginalEmailResponse>(`/api/console/conversations/${live.conversation.id}/emails/${message.clientId}`);
    expect(email.fromAddress).toBe(CUSTOMER);
    expect(email.text).toContain("It works now.");
    expect(email.text).toContain("> Have you tried turning it off and on again?");
    const first = (await live.room.history(0))[0]!;
    expect((await agent.get(`/api/console/conversations/${live.conversation.id}/emails/${first.clientId}`)).status).toBe(404);
  });
});
