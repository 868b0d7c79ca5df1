import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { call } from "./fixtures";
import { acceptedConversation, editStorage, eventually, liveConversation, sendMessage, silenceRooms } from "./room-helpers";

/**
 * The facts behind reports, as real rooms write them: the sync reads them off the messages and
 * the outcome it copies to D1 anyway, and a replayed sync writes the same values again.
 */
type Facts = {
  origin: string | null;
  created_at: number;
  accepted_at: number | null;
  first_agent_reply_at: number | null;
  ended_at: number | null;
  ended_reason: string | null;
  agent_id: string | null;
  satisfied: number | null;
  rating: number | null;
  comment: string | null;
  feedback_given: number;
  reopened: number;
  wait_ms: number | null;
  first_response_ms: number | null;
  resolution_ms: number | null;
  deleted_at: number | null;
  contact_id: string | null;
};

const factsOf = (workspaceId: string, conversationId: string) =>
  env.DB.prepare("SELECT * FROM conversation_facts WHERE workspace_id = ? AND conversation_id = ?").bind(workspaceId, conversationId).first<Facts>();
const settledFacts = (workspaceId: string, id: string, done: (f: Facts) => boolean) =>
  eventually(async () => {
    const f = await factsOf(workspaceId, id);
    return f && done(f) ? f : null;
  });

afterEach(silenceRooms);

describe("conversation facts written by the room's sync", () => {
  it("an accepted, answered, ended and rated chat: every timestamp once, durations from them", async () => {
    const { ws, conversation, visitor, agentSocket, agent, room } = await acceptedConversation();
    await sendMessage(agentSocket, "Hello, how can I help?");
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    visitor.send({ type: "feedback", feedback: { satisfied: true, rating: 4, comment: "Quick and kind" } });
    const facts = await settledFacts(ws.workspaceId, conversation.id, (f) => f.rating !== null);
    const { results: messages } = await env.DB.prepare("SELECT author_type, event, created_at FROM messages WHERE workspace_id = ? AND conversation_id = ? ORDER BY seq")
      .bind(ws.workspaceId, conversation.id)
      .all<{ author_type: string; event: string | null; created_at: number }>();
    const joined = messages.find((m) => m.event?.includes('"joined"'))!;
    const reply = messages.find((m) => m.author_type === "agent")!;
    expect(facts).toMatchObject({
      origin: "visitor",
      accepted_at: joined.created_at,
      first_agent_reply_at: reply.created_at,
      ended_reason: "visitor",
      agent_id: agent.id,
      satisfied: 1,
      rating: 4,
      comment: "Quick and kind",
      feedback_given: 1,
      reopened: 0,
      wait_ms: joined.created_at - facts.created_at,
      first_response_ms: reply.created_at - facts.created_at,
      resolution_ms: facts.ended_at! - joined.created_at,
    });

    // A crash before the room recorded its progress replays the whole copy: the same facts again.
    await editStorage(room, (storage) => {
      storage.sql.exec("UPDATE conversation SET synced_seq = 0, synced_state_version = 0");
      return storage.setAlarm(Date.now() + 60_000);
    });
    await runDurableObjectAlarm(room);
    expect(await factsOf(ws.workspaceId, conversation.id)).toEqual(facts);
  });

  it("a chat nobody accepted is missed; going back to it counts a reopen", async () => {
    const { ws, conversation, visitor } = await liveConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    const missed = await settledFacts(ws.workspaceId, conversation.id, (f) => f.ended_at !== null);
    expect(missed).toMatchObject({ origin: "visitor", accepted_at: null, wait_ms: null, ended_reason: "visitor", feedback_given: 0 });
    visitor.send({ type: "reopen" });
    await visitor.next((f) => f.type === "status" && f.status === "queued");
    const reopened = await settledFacts(ws.workspaceId, conversation.id, (f) => f.reopened === 1 && f.ended_at === null);
    expect(reopened.accepted_at).toBeNull();
  });

  it("an agent's own thread has no wait and no first response, only a resolution", async () => {
    const { ws, agentCookie } = await acceptedConversation();
    const res = await call("/api/console/conversations", {
      method: "POST",
      headers: { cookie: agentCookie, "content-type": "application/json" },
      body: JSON.stringify({ channelId: ws.channelId, contact: { name: "Olli", email: "olli@example.com" }, subject: "Your invoice", message: { clientId: crypto.randomUUID(), body: "Here it is." } }),
    });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string } };
    const facts = await settledFacts(ws.workspaceId, conversation.id, (f) => f.origin !== null);
    expect(facts).toMatchObject({ origin: "agent", accepted_at: null, first_agent_reply_at: null, wait_ms: null, first_response_ms: null });
  });

  it("deleting a conversation keeps its figures and drops its comment and contact", async () => {
    const { ws, conversation, visitor } = await acceptedConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    visitor.send({ type: "feedback", feedback: { satisfied: false, rating: 1, comment: "My card number is 4111…" } });
    await settledFacts(ws.workspaceId, conversation.id, (f) => f.comment !== null);
    const res = await call(`/api/v1/conversations/${conversation.id}`, { method: "DELETE", headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(res.status).toBe(204);
    const facts = (await factsOf(ws.workspaceId, conversation.id))!;
    expect(facts).toMatchObject({ comment: null, contact_id: null, rating: 1, satisfied: 0 });
    expect(facts.deleted_at).toBeGreaterThan(Date.now() - 60_000);
    const report = await call("/api/v1/reports/summary", { headers: { authorization: `Bearer ${ws.apiKey}` } });
    const body = (await report.json()) as { totals: { started: number; averageRating: number }; comments: unknown[] };
    expect(body.totals).toMatchObject({ started: 1, averageRating: 1 });
    expect(body.comments).toEqual([]);
  });
});
