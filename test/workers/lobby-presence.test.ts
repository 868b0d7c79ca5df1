import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { channelConfig } from "../../protocol/channel";
import { channelAvailability } from "../../worker/channels/availability";
import { call, createWorkspace, signIn } from "./fixtures";
import { addAgent, availableCountBecomes, errorAfter, lobbyOf, openLobby, setAvailable, stateAfter } from "./lobby-helpers";

async function status(path: string, headers: Record<string, string>): Promise<{ status: number; code: string }> {
  const res = await call(path, { headers });
  const body = (await res.json()) as { error: { code: string } };
  return { status: res.status, code: body.error.code };
}

describe("the console's channels and lobby sockets", () => {
  it("lists only the agent's own workspace's channels", async () => {
    const x = await createWorkspace();
    await createWorkspace();
    const res = await call("/api/console/channels", { headers: { cookie: await signIn(x) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ channels: [{ id: x.channelId, key: x.channelKey, name: "Support" }] });
    expect((await call("/api/console/channels")).status).toBe(401);
  });

  it("an agent cannot open another workspace's lobby, and a socket needs a session, the same origin and an upgrade", async () => {
    const x = await createWorkspace();
    const y = await createWorkspace();
    const cookieX = await signIn(x);
    const lobbyY = `/api/console/channels/${y.channelId}/lobby`;
    expect(await status(lobbyY, { upgrade: "websocket", cookie: cookieX })).toEqual({ status: 404, code: "not_found" });
    expect(await status(`/api/console/channels/ch_nosuchchannel/lobby`, { upgrade: "websocket", cookie: cookieX })).toEqual({
      status: 404,
      code: "not_found",
    });
    const lobbyX = `/api/console/channels/${x.channelId}/lobby`;
    expect(await status(lobbyX, { upgrade: "websocket" })).toEqual({ status: 401, code: "unauthorized" });
    expect(await status(lobbyX, { upgrade: "websocket", cookie: cookieX, origin: "https://evil.example" })).toEqual({
      status: 403,
      code: "cross_origin",
    });
    expect(await status(lobbyX, { cookie: cookieX })).toEqual({ status: 426, code: "upgrade_required" });
    const own = await openLobby(x.channelId, cookieX);
    expect(own.frames[0]).toEqual({
      type: "lobby",
      version: 0,
      channelId: x.channelId,
      available: false,
      agentsAvailable: 0,
      queue: [],
      routing: "manual",
      offers: [],
      load: { capacity: 3, paused: false, live: 0, offered: 0 },
    });
    own.close();
  });
});

describe("Available for chat", () => {
  it("counts an agent only while the switch is on and a console is open, in any of their tabs", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const tab1 = await openLobby(ws.channelId, cookie);
    expect(await lobbyOf(ws.channelId).availableAgentCount()).toBe(0);

    expect(await setAvailable(tab1, true)).toMatchObject({ available: true, agentsAvailable: 1 });
    expect(await lobbyOf(ws.channelId).availableAgentCount()).toBe(1);

    const tab2 = await openLobby(ws.channelId, cookie);
    expect(tab2.frames[0]).toMatchObject({ available: true, agentsAvailable: 1 });

    tab1.close();
    tab2.send({ type: "ping" });
    await tab2.next((f) => f.type === "pong");
    expect(await lobbyOf(ws.channelId).availableAgentCount()).toBe(1);

    tab2.close();
    await availableCountBecomes(ws.channelId, 0);

    // The switch is remembered for the next console.
    const again = await openLobby(ws.channelId, cookie);
    expect(again.frames[0]).toMatchObject({ available: true, agentsAvailable: 1 });
    expect(await setAvailable(again, false)).toMatchObject({ available: false, agentsAvailable: 0 });
    expect(await lobbyOf(ws.channelId).availableAgentCount()).toBe(0);
    again.close();
  });

  it("tells every agent when someone becomes available or leaves", async () => {
    const ws = await createWorkspace();
    const alice = await openLobby(ws.channelId, await signIn(ws));
    const bob = await addAgent(ws, "Bob");
    const bobSocket = await openLobby(ws.channelId, bob.cookie);

    let from = alice.frames.length;
    await setAvailable(bobSocket, true);
    expect(await stateAfter(alice, from)).toMatchObject({ available: false, agentsAvailable: 1 });

    from = alice.frames.length;
    bobSocket.close();
    expect(await stateAfter(alice, from)).toMatchObject({ available: false, agentsAvailable: 0 });
    alice.close();
  });

  it("a bad frame gets an error frame and changes nothing", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const socket = await openLobby(ws.channelId, cookie);
    const bad: [unknown, string][] = [
      ["not json", "not valid JSON"],
      [{ type: "availability" }, "available"],
      [{ type: "availability", available: "yes" }, "available"],
      [{ type: "accept" }, "conversationId"],
      [{ type: "take", conversationId: "cv_1" }, ""],
      [[1, 2], ""],
    ];
    for (const [frame, mentions] of bad) {
      const from = socket.frames.length;
      socket.send(frame);
      const error = await errorAfter(socket, from);
      expect(error.code).toBe("bad_frame");
      expect(error.message).toContain(mentions);
    }
    const from = socket.frames.length;
    socket.ws.send(new Uint8Array([1, 2, 3]));
    expect((await errorAfter(socket, from)).code).toBe("bad_frame");
    socket.send({ type: "ping" });
    await socket.next((f) => f.type === "pong");
    expect(socket.ofType("lobby")).toHaveLength(1);
    expect(await lobbyOf(ws.channelId).availableAgentCount()).toBe(0);
    socket.close();
  });

  it("decides whether a visitor can start a chat: closed outside opening hours, else nobody there until an agent is available", async () => {
    const ws = await createWorkspace();
    const weekdays = channelConfig.parse({
      openingHours: { timeZone: "Europe/Helsinki", days: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] } },
    });
    const channel = { id: ws.channelId, config: weekdays };
    const sundayNoon = new Date("2025-06-15T09:00:00Z");
    const mondayNoon = new Date("2025-06-16T09:00:00Z");
    expect(await channelAvailability(env, channel, sundayNoon)).toEqual({ available: false, reason: "closed" });
    expect(await channelAvailability(env, channel, mondayNoon)).toEqual({ available: false, reason: "no_agents" });

    const socket = await openLobby(ws.channelId, await signIn(ws));
    await setAvailable(socket, true);
    expect(await channelAvailability(env, channel, mondayNoon)).toEqual({ available: true, reason: null });
    expect(await channelAvailability(env, channel, sundayNoon)).toEqual({ available: false, reason: "closed" });
    expect(await channelAvailability(env, { id: ws.channelId, config: channelConfig.parse({}) })).toEqual({ available: true, reason: null });
    socket.close();
  });
});
