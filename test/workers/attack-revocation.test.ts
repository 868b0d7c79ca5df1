import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { expectRefusal } from "./attack-helpers";
import { newAdmin, newPlainAgent, signInAs } from "./console-admin-helpers";
import { asAgent, quietRooms, remember } from "./console-fixtures";
import { BASE, call, startConversation, TestSocket } from "./fixtures";
import { closedWithin, lobbySocket, meStatus, roomSocket, stillAnswers, type Watched } from "./session-helpers";

const PLAIN_PASSWORD = "plain agent password";
/** "Within seconds": how long a revoked socket may stay open. */
const CLOSE_WITHIN_MS = 3000;

afterAll(quietRooms);

type Sockets = { room: Watched<{ type: string }>; lobby: Watched<{ type: string }> };

/**
 * A workspace with one conversation; its admin, and a plain agent signed in twice (two browsers),
 * each session with a room socket and a lobby socket open.
 */
async function scene() {
  const admin = await newAdmin();
  const { conversation } = await startConversation(admin, "Please help with my invoice");
  remember(conversation.id);
  const plain = await newPlainAgent(admin);
  const email = (await env.DB.prepare("SELECT email FROM agents WHERE id = ?").bind(plain.agentId).first<{ email: string }>())!.email;
  const secondCookie = await signInAs(email, PLAIN_PASSWORD);
  const open = async (cookie: string): Promise<Sockets> => ({
    room: await roomSocket(conversation.id, cookie),
    lobby: await lobbySocket(admin.channelId, cookie),
  });
  return {
    admin,
    conversationId: conversation.id,
    plain: { id: plain.agentId, email, cookie: plain.cookie, sockets: await open(plain.cookie) },
    second: { cookie: secondCookie, sockets: await open(secondCookie) },
    adminSockets: await open(admin.cookie),
  };
}
type Scene = Awaited<ReturnType<typeof scene>>;

async function expectClosed(s: Sockets, what: string): Promise<void> {
  expect(await closedWithin(s.room, CLOSE_WITHIN_MS), `${what}: room socket`).toBe(4401);
  expect(await closedWithin(s.lobby, CLOSE_WITHIN_MS), `${what}: lobby socket`).toBe(4401);
}

async function expectOpen(s: Sockets, what: string): Promise<void> {
  expect(await closedWithin(s.room, 300), `${what}: room socket`).toBe("open");
  expect(await closedWithin(s.lobby, 300), `${what}: lobby socket`).toBe("open");
  expect(await stillAnswers(s.room)).toBe(true);
  expect(await stillAnswers(s.lobby)).toBe(true);
}

/** The old cookie opens nothing, posts nothing and accepts nothing any more. */
async function expectCookieDead(x: Scene, cookie: string, what: string): Promise<void> {
  const socketTry = (path: string) => call(path, { headers: { upgrade: "websocket", cookie, origin: BASE } });
  await expectRefusal(await socketTry(`/api/console/conversations/${x.conversationId}/socket`), [401], `${what}: a new room socket`);
  await expectRefusal(await socketTry(`/api/console/channels/${x.admin.channelId}/lobby`), [401], `${what}: a new lobby socket`);
  const post = await asAgent(cookie).post(`/api/console/conversations/${x.conversationId}/read`, { seq: 1 });
  await expectRefusal(post, [401], `${what}: a post`);
  expect(await meStatus(cookie)).toBe(401);
}

async function socketRecords(agentId: string): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM agent_sockets WHERE agent_id = ?").bind(agentId).first<{ n: number }>())!.n;
}

describe("revocation reaches open sockets", () => {
  it("signing out closes that session's room and lobby sockets at once; the agent's other session and other agents stay connected", async () => {
    const x = await scene();
    expect(await socketRecords(x.plain.id)).toBe(2);
    expect((await call("/api/console/session", { method: "DELETE", headers: { cookie: x.plain.cookie, origin: BASE } })).status).toBe(204);
    await expectClosed(x.plain.sockets, "the signed-out session");
    await expectCookieDead(x, x.plain.cookie, "signed out");
    await expectOpen(x.second.sockets, "the same agent's other browser");
    await expectOpen(x.adminSockets, "another agent");
    expect(await socketRecords(x.plain.id), "the signed-out session's record is gone").toBe(1);
  });

  it('"sign out everywhere" closes every session of the agent, and no one else\'s', async () => {
    const x = await scene();
    const res = await call("/api/console/sessions", { method: "DELETE", headers: { cookie: x.plain.cookie, origin: BASE } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-parley_session=;.*Max-Age=0/);
    await expectClosed(x.plain.sockets, "this browser");
    await expectClosed(x.second.sockets, "the other browser");
    await expectCookieDead(x, x.plain.cookie, "this browser");
    await expectCookieDead(x, x.second.cookie, "the other browser");
    await expectOpen(x.adminSockets, "another agent");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE agent_id = ?").bind(x.plain.id).first<{ n: number }>()).toEqual({ n: 0 });
    expect(await socketRecords(x.plain.id)).toBe(0);
    expect(await meStatus(x.admin.cookie)).toBe(200);
  });

  it("sign out everywhere needs a session and the console's own origin", async () => {
    const x = await scene();
    await expectRefusal(await call("/api/console/sessions", { method: "DELETE" }), [401], "without a session");
    await expectRefusal(await call("/api/console/sessions", { method: "DELETE", headers: { cookie: x.plain.cookie, origin: "https://evil.example" } }), [403], "from another site");
    await expectOpen(x.plain.sockets, "after the refused requests");
    expect(await meStatus(x.plain.cookie)).toBe(200);
  });

  it("an admin deleting the agent closes all of their sockets", async () => {
    const x = await scene();
    expect((await x.admin.request("DELETE", `/agents/${x.plain.id}`)).status).toBe(204);
    await expectClosed(x.plain.sockets, "the deleted agent's first browser");
    await expectClosed(x.second.sockets, "the deleted agent's second browser");
    await expectCookieDead(x, x.plain.cookie, "deleted");
    await expectCookieDead(x, x.second.cookie, "deleted");
    await expectOpen(x.adminSockets, "the admin");
    expect(await socketRecords(x.plain.id)).toBe(0);
  });

  it("an admin resetting the agent's password closes all of their sockets; the new password opens new ones", async () => {
    const x = await scene();
    expect((await x.admin.request("PUT", `/agents/${x.plain.id}/password`, { password: "reset by the admin" })).status).toBe(204);
    await expectClosed(x.plain.sockets, "first browser");
    await expectClosed(x.second.sockets, "second browser");
    await expectCookieDead(x, x.plain.cookie, "after the reset");
    await expectOpen(x.adminSockets, "the admin");
    const fresh = await signInAs(x.plain.email, "reset by the admin");
    const room = await TestSocket.agent(x.conversationId, fresh);
    room.close();
  });

  it("changing one's own password closes the other sessions' sockets and keeps this one's", async () => {
    const x = await scene();
    const res = await asAgent(x.plain.cookie).post("/api/console/me/password", { currentPassword: PLAIN_PASSWORD, newPassword: "my own new password" });
    expect(res.status).toBe(204);
    await expectClosed(x.second.sockets, "the other browser");
    await expectCookieDead(x, x.second.cookie, "the other browser");
    await expectOpen(x.plain.sockets, "this browser");
    await expectOpen(x.adminSockets, "another agent");
  });

  it("a session that is already over cannot be revoked into anyone else's: signing out with a dead cookie closes nothing", async () => {
    const x = await scene();
    expect((await call("/api/console/session", { method: "DELETE", headers: { cookie: "__Host-parley_session=forged", origin: BASE } })).status).toBe(204);
    await expectOpen(x.plain.sockets, "the agent");
    await expectOpen(x.adminSockets, "the admin");
  });
});
