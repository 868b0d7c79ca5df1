import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { receiveEmail } from "../../worker/email/inbound/receive";
import { pruneOnce } from "../../worker/maintenance/prune";
import { BASE } from "./fixtures";
import { incoming, mime } from "./email-mime";
import { acceptedConversation, eventually, fireTimer, sendMessage, silenceRooms } from "./room-helpers";

afterEach(silenceRooms);

/** The console API as `wrangler dev` runs it for the demo (PARLEY_ENV=development), or as production does. */
function consoleCall(cookie: string, path: string, init: { method?: string; json?: unknown } = {}, parleyEnv = "development") {
  const request = new Request(`${BASE}/api/console/admin${path}`, {
    method: init.method ?? "GET",
    headers: { cookie, origin: BASE, ...(init.json ? { "content-type": "application/json" } : {}) },
    ...(init.json ? { body: JSON.stringify(init.json) } : {}),
  });
  return app.fetch(request, { ...env, PARLEY_ENV: parleyEnv }, { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext);
}

async function replyEmail(live: Awaited<ReturnType<typeof acceptedConversation>>) {
  live.visitor.close();
  await sendMessage(live.agentSocket, "Could you check your spam folder?");
  await fireTimer(live.room, "reply_email");
  return eventually(async () =>
    env.DB.prepare("SELECT id FROM email_outbox WHERE workspace_id = ? AND template = 'reply'").bind(live.ws.workspaceId).first<{ id: string }>(),
  );
}

describe("the outbox shows each email's reply address and, locally, answers it", () => {
  it("Simulate reply delivers a real MIME reply through email(): it lands in the conversation and in Incoming email", async () => {
    const live = await acceptedConversation();
    const { id } = await replyEmail(live);
    const detail = (await (await consoleCall(live.agentCookie, `/emails/${id}`)).json()) as { email: { replyTo: string; canSimulateReply: boolean } };
    expect(detail.email.replyTo).toMatch(new RegExp(`^c-${live.conversation.id}-[a-z2-7]{16}@reply\\.parley\\.localhost$`));
    expect(detail.email.canSimulateReply).toBe(true);

    const res = await consoleCall(live.agentCookie, `/emails/${id}/simulate-reply`, { method: "POST", json: { text: "Found it, thanks!" } });
    expect(await res.json()).toEqual({ outcome: "accepted", reason: "posted", conversationId: live.conversation.id });
    // The quoted history the simulated client added is stripped like a real one.
    expect((await live.room.history(0)).at(-1)).toMatchObject({ author: { type: "visitor" }, body: "Found it, thanks!" });
    const inbound = (await (await consoleCall(live.agentCookie, "/inbound-emails")).json()) as { emails: { outcome: string; fromAddress: string }[] };
    expect(inbound.emails).toEqual([expect.objectContaining({ outcome: "accepted", fromAddress: "vera@example.com" })]);
  });

  it("outside local development there is no Simulate reply, and the route does not exist", async () => {
    const live = await acceptedConversation();
    const { id } = await replyEmail(live);
    const detail = (await (await consoleCall(live.agentCookie, `/emails/${id}`, {}, "production")).json()) as { email: { canSimulateReply: boolean } };
    expect(detail.email.canSimulateReply).toBe(false);
    const res = await consoleCall(live.agentCookie, `/emails/${id}/simulate-reply`, { method: "POST", json: { text: "as the customer" } }, "production");
    expect(res.status).toBe(404);
    expect((await live.room.history(0)).at(-1)!.body).toBe("Could you check your spam folder?");
  });

  it("Incoming email lists refusals only to their own workspace; forgeries to no workspace are pruned by age", async () => {
    const live = await acceptedConversation();
    const other = await acceptedConversation();
    await receiveEmail(incoming(mime.plain({ from: "x@example.net", to: "c-cv_nothing-aaaaaaaaaaaaaaaa@reply.parley.localhost", messageId: "<f@x>", text: "hi" }), { from: "x@example.net", to: "c-cv_nothing-aaaaaaaaaaaaaaaa@reply.parley.localhost" }), env);
    const mine = (await (await consoleCall(live.agentCookie, "/inbound-emails")).json()) as { emails: unknown[] };
    const theirs = (await (await consoleCall(other.agentCookie, "/inbound-emails")).json()) as { emails: unknown[] };
    expect(mine.emails).toEqual([]);
    expect(theirs.emails).toEqual([]);
    const orphans = () => env.DB.prepare("SELECT COUNT(*) AS n FROM inbound_emails WHERE workspace_id IS NULL").first<{ n: number }>();
    expect((await orphans())!.n).toBeGreaterThan(0);
    await pruneOnce(env, Date.now() + 31 * 24 * 3600 * 1000);
    expect((await orphans())!.n).toBe(0);
  });
});
