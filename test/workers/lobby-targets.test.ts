import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { businessDeadline } from "../../durable-objects/lobby-targets";
import type { OpeningHours } from "../../protocol/channel";
import { agentOnline, createWorkspace, signIn, startConversation, TestSocket, type Workspace } from "./fixtures";
import { item, latestState, lobbyOf } from "./lobby-helpers";

const HELSINKI_OFFICE: OpeningHours = {
  timeZone: "Europe/Helsinki",
  days: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] },
};

/** Makes the targets of a chat due now and runs the lobby's alarm, as its time would. */
async function targetsFall(channelId: string, conversationId: string): Promise<void> {
  const lobby = lobbyOf(channelId);
  await runInDurableObject(lobby, async (_l, state) => {
    state.storage.sql.exec("UPDATE targets SET due_at = ? WHERE conversation_id = ?", Date.now() - 1, conversationId);
    await state.storage.setAlarm(Date.now());
  });
  await runDurableObjectAlarm(lobby);
}

function targetsOf(channelId: string) {
  return runInDurableObject(lobbyOf(channelId), (_l, state) =>
    state.storage.sql.exec<{ conversation_id: string; kind: string }>("SELECT conversation_id, kind FROM targets").toArray(),
  );
}

async function alerts(ws: Workspace) {
  const { results } = await env.DB.prepare(
    "SELECT to_address, subject, text_body FROM email_outbox WHERE workspace_id = ? AND template = 'admin_alert' ORDER BY created_at, rowid",
  )
    .bind(ws.workspaceId)
    .all<{ to_address: string; subject: string; text_body: string }>();
  return results;
}

describe("the clock of a target", () => {
  it("runs in opening hours only, across a weekend, and in full when there are none", () => {
    const fridayAt16 = Date.parse("2026-03-06T16:00:00+02:00");
    expect(businessDeadline(HELSINKI_OFFICE, fridayAt16, 2 * 3600_000)).toBe(Date.parse("2026-03-09T10:00:00+02:00"));
    expect(businessDeadline(HELSINKI_OFFICE, Date.parse("2026-03-07T12:00:00+02:00"), 60_000)).toBe(Date.parse("2026-03-09T09:01:00+02:00"));
    expect(businessDeadline(null, fridayAt16, 120_000)).toBe(fridayAt16 + 120_000);
    expect(businessDeadline({ timeZone: "Europe/Helsinki", days: {} }, fridayAt16, 60_000)).toBeNull();
    // Past midnight: 22:00–02:00 on Sunday, so Monday 01:30 is still Sunday's evening.
    const nights: OpeningHours = { timeZone: "UTC", days: { sun: [["22:00", "02:00"]] } };
    expect(businessDeadline(nights, Date.parse("2026-03-08T23:00:00Z"), 2 * 3600_000)).toBe(Date.parse("2026-03-09T01:00:00Z"));
    expect(businessDeadline(nights, Date.parse("2026-03-08T23:00:00Z"), 4 * 3600_000)).toBe(Date.parse("2026-03-15T23:00:00Z"));
  });
});

describe("the waiting target", () => {
  it("marks the chat in the queue and alerts the agents and the channel's address once", async () => {
    const ws = await createWorkspace({ config: { targets: { waitSeconds: 120 }, notificationEmail: "desk@example.com" } });
    const agent = await agentOnline(ws);
    const { conversation } = await startConversation(ws, "Still waiting here");
    const entry = (await latestState(agent)).queue.find((q) => q.conversationId === conversation.id)!;
    expect(entry.waitDueAt).toBe(entry.enqueuedAt + 120_000);

    await targetsFall(ws.channelId, conversation.id);
    const overdue = await agent.next<"overdue">((f) => f.type === "overdue" && f.conversationId === conversation.id);
    expect(overdue).toMatchObject({ target: "wait", subject: "Still waiting here" });
    for (let i = 0; i < 100 && (await alerts(ws)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await alerts(ws)).toEqual([
      expect.objectContaining({ to_address: "desk@example.com", subject: expect.stringContaining("Still waiting here") }),
    ]);

    // Once: the alarm runs again, nothing more is sent.
    await runInDurableObject(lobbyOf(ws.channelId), (_l, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(lobbyOf(ws.channelId));
    expect(await alerts(ws)).toHaveLength(1);
    expect(agent.ofType("overdue").filter((f) => f.conversationId === conversation.id)).toHaveLength(1);
  });

  it("stops when the chat is accepted, and waits for opening hours when the channel is closed", async () => {
    const ws = await createWorkspace({ config: { targets: { waitSeconds: 60 } } });
    const agent = await agentOnline(ws);
    const { conversation } = await startConversation(ws);
    agent.send({ type: "accept", conversationId: conversation.id });
    await agent.next((f) => f.type === "accepted" && f.conversationId === conversation.id);
    expect(await targetsOf(ws.channelId)).toEqual([]);

    // Open only one day a week, on a day that is not today: the clock starts at that opening.
    const today = new Date().getUTCDay();
    const day = (["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const)[(today + 3) % 7]!;
    const hours: OpeningHours = { timeZone: "UTC", days: { [day]: [["10:00", "11:00"]] } };
    await lobbyOf(ws.channelId).configure({
      workspaceId: ws.workspaceId,
      routing: { mode: "manual", offerSeconds: 30 },
      targets: { waitSeconds: 60, firstResponseSeconds: null },
      openingHours: hours,
      notificationEmail: null,
    });
    await lobbyOf(ws.channelId).enqueue(item("cv_closed"));
    const entry = (await latestState(agent)).queue.find((q) => q.conversationId === "cv_closed")!;
    expect(entry.waitDueAt).toBe(businessDeadline(hours, entry.enqueuedAt, 60_000));
    expect(new Date(entry.waitDueAt!).toISOString()).toMatch(/T10:01:00\.000Z$/);
    expect(entry.waitDueAt! - Date.now()).toBeGreaterThan(24 * 3600_000);
  });
});

describe("the first-response target", () => {
  it("alerts the agent (and the channel's address) when they have not replied since accepting; not when they have", async () => {
    const ws = await createWorkspace({ config: { targets: { firstResponseSeconds: 60 }, notificationEmail: "desk@example.com" } });
    const agent = await agentOnline(ws);
    const silent = await startConversation(ws, "Nobody answers me");
    const answered = await startConversation(ws, "I will be answered");
    for (const s of [silent, answered]) {
      agent.send({ type: "accept", conversationId: s.conversation.id });
      await agent.next((f) => f.type === "accepted" && f.conversationId === s.conversation.id);
    }
    expect((await targetsOf(ws.channelId)).map((t) => t.kind)).toEqual(["first_response", "first_response"]);

    const thread = await TestSocket.agent(answered.conversation.id, await signIn(ws));
    thread.send({ type: "send", clientId: crypto.randomUUID(), body: "Hello, I am on it" });
    await thread.next((f) => f.type === "ack");
    // A private note in the silent thread answers nobody: the customer is still waiting.
    const aside = await TestSocket.agent(silent.conversation.id, await signIn(ws));
    aside.send({ type: "send", clientId: crypto.randomUUID(), body: "Who knows about this?", visibility: "note" });
    await aside.next((f) => f.type === "ack");
    aside.close();

    await targetsFall(ws.channelId, answered.conversation.id);
    await targetsFall(ws.channelId, silent.conversation.id);
    const overdue = await agent.next<"overdue">((f) => f.type === "overdue");
    expect(overdue).toMatchObject({ conversationId: silent.conversation.id, target: "first_response", subject: "Nobody answers me" });
    expect(agent.ofType("overdue")).toHaveLength(1);
    // The frame goes out before the emails are written, and the alarm may have fired on its own: wait for them.
    let sent = await alerts(ws);
    for (let i = 0; i < 100 && sent.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      sent = await alerts(ws);
    }
    expect(sent.map((e) => e.to_address).sort()).toEqual(["desk@example.com", ws.agentEmail].sort());
    expect(sent.every((e) => e.text_body.includes("Nobody answers me"))).toBe(true);
    expect(await targetsOf(ws.channelId)).toEqual([]);
    thread.close();
  });
});
