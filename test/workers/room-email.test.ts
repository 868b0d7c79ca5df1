import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import {
  acceptedConversation,
  conversationRow,
  editStorage,
  emailsOf,
  eventually,
  fireTimer,
  frameAfter,
  liveConversation,
  sendAndExpectError,
  sendMessage,
  silenceRooms,
  timer,
} from "./room-helpers";

afterEach(silenceRooms);

const MINUTE = 60_000;

/** Waits until the room owes nothing more to D1 or the outbox: whatever it was going to send is sent. */
async function workDone(room: Awaited<ReturnType<typeof acceptedConversation>>["room"]) {
  await eventually(() =>
    runInDurableObject(room, (_room, state) => {
      const sql = state.storage.sql;
      const owed =
        sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n +
        sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM schedule WHERE name = 'sync'").one().n;
      return owed === 0 ? true : null;
    }),
  );
}

async function endByVisitor(live: Awaited<ReturnType<typeof acceptedConversation>>) {
  live.visitor.send({ type: "end" });
  await live.visitor.next((f) => f.type === "status" && f.status === "ended");
}

describe("the transcript", () => {
  it("is emailed to the visitor when the chat ends, on a channel that sends transcripts, exactly once", async () => {
    const live = await acceptedConversation({ transcriptEmail: true });
    await sendMessage(live.agentSocket, "Try resetting your password");
    await endByVisitor(live);
    const [email] = await eventually(async () => {
      const rows = await emailsOf(live.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    expect(email).toMatchObject({
      template: "transcript",
      to_address: "vera@example.com",
      status: "local",
      idempotency_key: `${live.conversation.id}:transcript:ended:4`,
      subject: "Transcript of your chat: I cannot log in to the portal",
    });
    expect(email!.text_body).toContain("Vera Visitor: I cannot log in to the portal");
    expect(email!.text_body).toContain(`${live.agent.name}: Try resetting your password`);
    expect(email!.text_body).toContain("Chat ended by the visitor");

    // A replay of the same work (a crash after queueing, before recording it) sends nothing new.
    await editStorage(live.room, (storage) => {
      storage.sql.exec(
        "INSERT INTO outbox (item) VALUES (?)",
        JSON.stringify({ kind: "transcript", idempotencyKey: `${live.conversation.id}:transcript:ended:4`, uptoSeq: 4 }),
      );
      storage.sql.exec("INSERT INTO schedule (name, due_at) VALUES ('sync', 0)");
    });
    await fireTimer(live.room, "sync");
    expect(await emailsOf(live.ws.workspaceId)).toHaveLength(1);
  });

  it("is not emailed on its own when the channel does not send transcripts", async () => {
    const live = await acceptedConversation();
    await endByVisitor(live);
    await workDone(live.room);
    expect((await conversationRow(live.ws.workspaceId, live.conversation.id))?.status).toBe("ended");
    expect(await emailsOf(live.ws.workspaceId)).toEqual([]);
  });

  it("is refused on a channel that does not send transcripts, and before the chat has ended", async () => {
    const off = await acceptedConversation();
    await off.room.end({ role: "agent", id: off.agent.id, name: off.agent.name });
    expect(await sendAndExpectError(off.visitor, { type: "transcript" })).toMatchObject({ code: "not_allowed", message: expect.stringMatching(/does not email transcripts/) });
    const on = await acceptedConversation({ transcriptEmail: true });
    expect(await sendAndExpectError(on.visitor, { type: "transcript" })).toMatchObject({ code: "not_allowed", message: expect.stringMatching(/has ended/) });
    await workDone(off.room);
    await workDone(on.room);
    expect(await emailsOf(off.ws.workspaceId)).toEqual([]);
    expect(await emailsOf(on.ws.workspaceId)).toEqual([]);
  });

  it("is emailed once per end, however often the visitor asks", async () => {
    const live = await acceptedConversation({ transcriptEmail: true });
    live.visitor.send({ type: "end" });
    await live.visitor.next((f) => f.type === "status" && f.status === "ended");
    for (let i = 0; i < 2; i++) {
      const from = live.visitor.frames.length;
      live.visitor.send({ type: "transcript" });
      await live.visitor.next((f) => f.type === "done" && f.request === "transcript" && live.visitor.frames.indexOf(f) >= from);
    }
    const emails = await eventually(async () => {
      const rows = await emailsOf(live.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    await workDone(live.room);
    expect(await emailsOf(live.ws.workspaceId)).toHaveLength(1);
    expect(emails[0]).toMatchObject({ template: "transcript", to_address: "vera@example.com" });
  });

  it("survives a crash between the end and the email", async () => {
    const live = await acceptedConversation({ transcriptEmail: true });
    expect(await live.room.end({ role: "agent", id: live.agent.id, name: live.agent.name })).toEqual({ ok: true });
    // The process dies with the email still owed and its timer already taken.
    await runInDurableObject(live.room, async (_room, state) => {
      const owed = "SELECT COUNT(*) AS n FROM outbox WHERE json_extract(item, '$.kind') = 'transcript'";
      expect(state.storage.sql.exec<{ n: number }>(owed).one().n).toBe(1);
      state.storage.sql.exec("DELETE FROM schedule WHERE name = 'sync'");
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(live.room);
    // The next wake-up finds the owed work and does it.
    expect((await live.room.snapshot()).status).toBe("ended");
    const emails = await eventually(async () => {
      const rows = await emailsOf(live.ws.workspaceId);
      return rows.length === 1 ? rows : null;
    });
    expect(emails[0]!.template).toBe("transcript");
  });

  it("is retried with backoff while D1 refuses it, without holding back the history", async () => {
    const live = await acceptedConversation({ transcriptEmail: true });
    await env.DB.exec("ALTER TABLE email_outbox RENAME TO email_outbox_away");
    try {
      await endByVisitor(live);
      const retry = await eventually(() =>
        runInDurableObject(live.room, (_room, state) =>
          state.storage.sql
            .exec<{ attempts: number }>("SELECT attempts FROM schedule WHERE name = 'sync'")
            .toArray()
            .find((r) => r.attempts === 1) ?? null,
        ),
      );
      expect(retry.attempts).toBe(1);
      // History and status reached D1 all the same.
      expect((await conversationRow(live.ws.workspaceId, live.conversation.id))?.status).toBe("ended");
    } finally {
      await env.DB.exec("ALTER TABLE email_outbox_away RENAME TO email_outbox");
    }
    await fireTimer(live.room, "sync");
    expect((await emailsOf(live.ws.workspaceId)).map((e) => e.template)).toEqual(["transcript"]);
  });
});

describe("the satisfaction survey", () => {
  it("is emailed ten minutes after the chat ends", async () => {
    const live = await acceptedConversation();
    const before = Date.now();
    await endByVisitor(live);
    expect(await timer(live.room, "survey")).toBeGreaterThanOrEqual(before + 10 * MINUTE);
    await fireTimer(live.room, "survey");
    const [email] = await eventually(async () => {
      const rows = await emailsOf(live.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    expect(email).toMatchObject({
      template: "survey",
      to_address: "vera@example.com",
      idempotency_key: `${live.conversation.id}:survey`,
      subject: "How did we do?",
    });
    expect(email!.text_body).toContain("Vera Visitor");
  });

  it("is not sent to a visitor who already gave feedback", async () => {
    const live = await acceptedConversation();
    await endByVisitor(live);
    live.visitor.send({ type: "feedback", feedback: { satisfied: false, rating: 2, comment: "" } });
    await live.visitor.next((f) => f.type === "done");
    expect(await timer(live.room, "survey")).toBeNull();
    await workDone(live.room);
    expect((await conversationRow(live.ws.workspaceId, live.conversation.id))?.rating).toBe(2);
    expect(await emailsOf(live.ws.workspaceId)).toEqual([]);
  });

  it("is not sent for a chat no agent ever took, nor after going back to the chat", async () => {
    const waiting = await liveConversation();
    waiting.visitor.send({ type: "end" });
    await waiting.visitor.next((f) => f.type === "status" && f.status === "ended");
    expect(await timer(waiting.room, "survey")).toBeNull();

    const live = await acceptedConversation();
    await endByVisitor(live);
    expect(await timer(live.room, "survey")).not.toBeNull();
    const from = live.visitor.frames.length;
    live.visitor.send({ type: "reopen" });
    await frameAfter(live.visitor, from, (f) => f.type === "status" && f.status === "active");
    expect(await timer(live.room, "survey")).toBeNull();
  });
});
