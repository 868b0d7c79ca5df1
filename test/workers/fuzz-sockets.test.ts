import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { clientFrame, errorCode } from "../../protocol/frames";
import { LIMITS, MAX_FRAME_BYTES } from "../../protocol/limits";
import { lobbyClientFrame, lobbyErrorCode, type LobbyServerFrame } from "../../protocol/lobby";
import { agentOnline, createWorkspace, startConversation, TestSocket } from "./fixtures";
import { brokenJson, hostileNumber, hostileString, hostileValue, mutated } from "./fuzz-inputs";
import { acceptedConversation, frameAfter, freshBuckets, settled, silenceRooms, type RoomSocket } from "./room-helpers";
import { prototypeIntact } from "./attack-helpers";

const RUNS = { room: 60, edges: 30, lobby: 40 };

afterAll(silenceRooms);

/** A frame as sent on the wire: text, or bytes. */
type Wire = string | Uint8Array;

/**
 * Frames a schema must refuse: broken or hostile JSON, valid frames with one thing wrong, unknown
 * types, frames over the size limit and binary frames. Anything the schema would accept is dropped.
 */
function badFrames(valid: object[], accepts: (v: unknown) => boolean, oversized: object): fc.Arbitrary<Wire> {
  const refusedJson = (v: unknown) => !accepts(v);
  const parsesAs = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...valid).chain((f) => mutated(f)).filter(refusedJson).map((v) => JSON.stringify(v) ?? "null") },
    { weight: 2, arbitrary: hostileValue.filter(refusedJson).map((v) => JSON.stringify(v) ?? "null") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...valid).chain((f) => brokenJson(f)).filter((text) => {
        const v = parsesAs(text);
        return v === undefined || refusedJson(v);
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(hostileString, fc.constantFrom("admin", "accept", "delete", "history", "ready", "SEND", " send"))
        .map((type) => JSON.stringify({ type }))
        .filter((t) => refusedJson(JSON.parse(t))),
    },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(oversized)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 64 }) },
  );
}

describe("room sockets under random and malicious frames", () => {
  it("from the visitor and the agent: each bad frame gets one clear error, reaches nobody, and changes nothing", async () => {
    const live = await acceptedConversation();
    const { lastSeq } = await live.room.snapshot();
    const valid = [
      { type: "send", clientId: "client-fuzz-01", body: "hello" },
      { type: "resume", since: 0 },
      { type: "typing", active: true },
      { type: "read", seq: 1 },
      { type: "feedback", feedback: { satisfied: true, rating: 5, comment: "" } },
      { type: "end" },
      { type: "page", url: "https://shop.example/cart?step=2", title: "Cart", referrer: "https://search.example/", language: "fi-FI", timeZone: "Europe/Helsinki", device: "mobile" },
    ];
    const oversized = { type: "send", clientId: "client-fuzz-02", body: "x".repeat(MAX_FRAME_BYTES) };
    const frames = fc.oneof(
      { weight: 6, arbitrary: badFrames(valid, (v) => clientFrame.safeParse(v).success, oversized) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }).map((ahead) => JSON.stringify({ type: "read", seq: lastSeq + ahead })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("visitor", "agent"), frames, async (who, frame) => {
        await freshBuckets(live.room);
        const [mine, theirs]: [RoomSocket, RoomSocket] = who === "visitor" ? [live.visitor, live.agentSocket] : [live.agentSocket, live.visitor];
        const before = { snapshot: await live.room.snapshot(), history: await live.room.history(0) };
        const from = mine.frames.length;
        const theirsFrom = theirs.frames.length;
        mine.ws.send(frame);
        const error = await frameAfter<"error">(mine, from, (f) => f.type === "error");
        expect(errorCode.options, String(frame).slice(0, 200)).toContain(error.code);
        expect(error.message.trim().length).toBeGreaterThan(0);
        await settled(mine);
        await settled(theirs);
        expect(mine.frames.slice(from).filter((f) => f.type !== "history").length, "one answer per frame").toBe(1);
        expect(theirs.frames.slice(theirsFrom).filter((f) => f.type !== "history"), "the other side heard it").toEqual([]);
        expect({ snapshot: await live.room.snapshot(), history: await live.room.history(0) }).toEqual(before);
        expect(prototypeIntact()).toBe(true);
      }),
      { numRuns: RUNS.room },
    );
  }, 120_000);

  it("hostile page frames: the visitor's are refused as bad frames and reach no agent; an agent's are not allowed", async () => {
    const live = await acceptedConversation();
    const page = { type: "page", url: "https://shop.example/", title: "Shop" };
    const hostile: Record<string, unknown>[] = [
      { ...page, url: "javascript:alert(document.cookie)" },
      { ...page, url: "JaVaScRiPt:alert(1)" },
      { ...page, url: "data:text/html,<script>alert(1)</script>" },
      { ...page, url: "file:///etc/passwd" },
      { ...page, url: "vbscript:msgbox" },
      { ...page, url: "//evil.example/" },
      { ...page, url: "/relative/path" },
      { ...page, url: "" },
      { ...page, url: `https://shop.example/${"a".repeat(LIMITS.visitorContext.urlLength)}` },
      { ...page, url: ["https://shop.example/"] },
      { ...page, url: { toString: "https://shop.example/" } },
      { ...page, title: "t".repeat(LIMITS.visitorContext.titleLength + 1) },
      { ...page, title: null },
      { ...page, referrer: "javascript:alert(1)" },
      { ...page, language: "x".repeat(LIMITS.visitorContext.languageLength + 1) },
      { ...page, timeZone: "Z".repeat(LIMITS.visitorContext.timeZoneLength + 1) },
      { ...page, device: "toaster" },
      { ...page, device: "__proto__" },
      { type: "page" },
      { type: "page", url: "https://shop.example/" },
    ];
    const agentFrom = live.agentSocket.frames.length;
    for (const frame of hostile) {
      await freshBuckets(live.room);
      const from = live.visitor.frames.length;
      live.visitor.send(frame);
      const error = await frameAfter<"error">(live.visitor, from, (f) => f.type === "error");
      expect(error.code, JSON.stringify(frame).slice(0, 120)).toBe("bad_frame");
    }
    // The agent may not write the visitor's trail either.
    const from = live.agentSocket.frames.length;
    live.agentSocket.send(page);
    expect((await frameAfter<"error">(live.agentSocket, from, (f) => f.type === "error")).code).toBe("not_allowed");
    await settled(live.agentSocket);
    expect(live.agentSocket.frames.slice(agentFrom).filter((f) => f.type === "context"), "no page reached the agent").toEqual([]);
    // Markup in a title is only text: the room keeps it as written, for the console to show as text.
    await freshBuckets(live.room);
    const contextFrom = live.agentSocket.frames.length;
    live.visitor.send({ ...page, title: "<img src=x onerror=alert(1)>" });
    const context = await frameAfter<"context">(live.agentSocket, contextFrom, (f) => f.type === "context");
    expect(context.context.page?.title).toBe("<img src=x onerror=alert(1)>");
    expect(prototypeIntact()).toBe(true);
  }, 60_000);

  it("numbers at the edges in resume and read: refused exactly when the schema or the history says so", async () => {
    const live = await acceptedConversation();
    const { lastSeq } = await live.room.snapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("resume", "read"), hostileNumber, async (type, n) => {
        const frame = JSON.parse(JSON.stringify({ type, [type === "resume" ? "since" : "seq"]: n })) as Record<string, number>;
        await freshBuckets(live.room);
        const refused = !clientFrame.safeParse(frame).success || (type === "read" && frame.seq! > lastSeq);
        const from = live.visitor.frames.length;
        live.visitor.send(frame);
        await settled(live.visitor);
        const errors = live.visitor.frames.slice(from).filter((f) => f.type === "error");
        expect(errors.map((e) => e.code), JSON.stringify(frame)).toEqual(refused ? ["bad_frame"] : []);
        expect((await live.room.snapshot()).lastSeq).toBe(lastSeq);
      }),
      { numRuns: RUNS.edges },
    );
  }, 60_000);
});

describe("lobby sockets under random and malicious frames", () => {
  it("each bad frame gets one clear error and leaves the queue and the switch as they were", async () => {
    const ws = await createWorkspace();
    const lobby = await agentOnline(ws);
    const waiting = await startConversation(ws, "Waiting");
    const visitor = await TestSocket.visitor(waiting.conversation.id, waiting.token);
    const valid = [{ type: "availability", available: true }, { type: "accept", conversationId: waiting.conversation.id }, { type: "ping" }];
    const oversized = { type: "accept", conversationId: "x".repeat(MAX_FRAME_BYTES) };
    const frames = fc.oneof(
      { weight: 6, arbitrary: badFrames(valid, (v) => lobbyClientFrame.safeParse(v).success, oversized) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{1,64}$/).map((id) => JSON.stringify({ type: "accept", conversationId: `cv_none_${id}`.slice(0, 64) })) },
    );
    /** The lobby answers frames in order; its state after an unchanged switch comes after every earlier answer. */
    const stateNow = async () => {
      const from = lobby.frames.length;
      lobby.send({ type: "availability", available: true });
      return lobby.next<"lobby">((f) => f.type === "lobby" && lobby.frames.indexOf(f) >= from);
    };
    const before = await stateNow();
    await fc.assert(
      fc.asyncProperty(frames, async (frame) => {
        const from = lobby.frames.length;
        lobby.ws.send(frame);
        const error = await lobby.next<"error">((f) => f.type === "error" && lobby.frames.indexOf(f) >= from);
        expect(lobbyErrorCode.options, String(frame).slice(0, 200)).toContain(error.code);
        expect(error.message.trim().length).toBeGreaterThan(0);
        const after = await stateNow();
        expect(lobby.frames.slice(from).filter((f: LobbyServerFrame) => f.type !== "lobby").length, "one answer per frame").toBe(1);
        expect(after).toEqual(before);
        expect(prototypeIntact()).toBe(true);
      }),
      { numRuns: RUNS.lobby },
    );
    expect(visitor.ofType("status").filter((s) => s.status !== "queued")).toEqual([]);
  }, 120_000);
});
