import { afterEach, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../protocol/frames";
import { addAgent, asAgent, historyInD1 } from "./console-fixtures";
import { TestSocket } from "./fixtures";
import { acceptedConversation, frameAfter, sendAndExpectError, sendMessage, settled, silenceRooms, type RoomSocket } from "./room-helpers";

afterEach(silenceRooms);

type Viewers = Extract<ServerFrame, { type: "viewers" }>;
const lastViewers = (socket: RoomSocket) => socket.ofType("viewers").at(-1)?.agents.map((a) => a.name).sort() ?? [];

describe("collision detection", () => {
  it("tells each agent on a thread who else has it open, once per agent, live as they come and go", async () => {
    const live = await acceptedConversation();
    const sam = await addAgent(live.ws, "agent", "Sam Second");
    const from = live.agentSocket.frames.length;
    const samSocket = await TestSocket.agent(live.conversation.id, sam.cookie);
    const seen = await frameAfter<"viewers">(live.agentSocket, from, (f) => f.type === "viewers" && (f as Viewers).agents.length === 2);
    expect(seen.agents.map((a) => a.id).sort()).toEqual([live.agent.id, sam.id].sort());
    await samSocket.next((f) => f.type === "viewers");
    expect(lastViewers(samSocket)).toEqual([live.agent.name, "Sam Second"].sort());

    // A second tab of the same agent is still one viewer.
    const secondTab = await TestSocket.agent(live.conversation.id, sam.cookie);
    await settled(live.agentSocket);
    expect(lastViewers(live.agentSocket)).toHaveLength(2);

    const before = live.agentSocket.frames.length;
    samSocket.close();
    secondTab.close();
    await frameAfter(live.agentSocket, before, (f) => f.type === "viewers" && (f as Viewers).agents.length === 1);
    expect(lastViewers(live.agentSocket)).toEqual([live.agent.name]);
    // The visitor never hears of viewers.
    await settled(live.visitor);
    expect(live.visitor.ofType("viewers")).toEqual([]);
  });

  it("lets agents hear each other typing a reply or a note; the visitor hears only the responsible agent's reply", async () => {
    const live = await acceptedConversation();
    const sam = await addAgent(live.ws, "agent", "Sam Second");
    const samSocket = await TestSocket.agent(live.conversation.id, sam.cookie);

    let from = live.agentSocket.frames.length;
    samSocket.send({ type: "typing", active: true });
    const heard = await frameAfter<"typing">(live.agentSocket, from, (f) => f.type === "typing");
    expect(heard).toMatchObject({ author: { id: sam.id, name: "Sam Second" }, active: true });

    from = live.agentSocket.frames.length;
    samSocket.send({ type: "typing", active: true, note: true });
    expect(await frameAfter<"typing">(live.agentSocket, from, (f) => f.type === "typing")).toMatchObject({ note: true });

    // Sam is not responsible: the visitor, whose header names the first agent, hears neither.
    await settled(samSocket);
    await settled(live.visitor);
    expect(live.visitor.ofType("typing")).toEqual([]);

    from = live.visitor.frames.length;
    live.agentSocket.send({ type: "typing", active: true, note: true });
    live.agentSocket.send({ type: "typing", active: true });
    const visitorHeard = await frameAfter<"typing">(live.visitor, from, (f) => f.type === "typing");
    expect(visitorHeard).toEqual({ type: "typing", author: { type: "agent", id: live.agent.id, name: live.agent.name }, active: true });
    await settled(live.visitor);
    expect(live.visitor.ofType("typing")).toHaveLength(1);

    // The visitor's typing reaches both agents.
    from = samSocket.frames.length;
    live.visitor.send({ type: "typing", active: true });
    expect(await frameAfter<"typing">(samSocket, from, (f) => f.type === "typing")).toMatchObject({ author: { type: "visitor" } });
    samSocket.close();
  });

  it("shows a takeover as a line in the thread, and the visitor's header follows the responsible agent", async () => {
    const live = await acceptedConversation();
    const sam = await addAgent(live.ws, "agent", "Sam Second");
    const from = live.visitor.frames.length;
    expect((await asAgent(live.agentCookie).patch(`/api/console/conversations/${live.conversation.id}`, { responsibleAgentId: sam.id })).status).toBe(200);
    const line = await frameAfter<"message">(live.visitor, from, (f) => f.type === "message" && f.message.event?.kind === "took_over");
    expect(line.message.body).toBe("Sam Second took over");
    const status = await frameAfter<"status">(live.visitor, from, (f) => f.type === "status");
    expect(status.agent).toEqual({ id: sam.id, name: "Sam Second" });

    // Assigning the same agent again adds nothing.
    await asAgent(live.agentCookie).patch(`/api/console/conversations/${live.conversation.id}`, { responsibleAgentId: sam.id });
    await settled(live.visitor);
    expect(live.visitor.frames.filter((f) => f.type === "message" && f.message.event?.kind === "took_over")).toHaveLength(1);
    // Only agents may type a note.
    expect((await sendAndExpectError(live.visitor, { type: "typing", active: true, note: true })).code).toBe("not_allowed");
  });

  it("counts unread messages only for the agents a thread concerns", async () => {
    const live = await acceptedConversation();
    const bystander = await addAgent(live.ws, "agent", "Bystander");
    const seq = await sendMessage(live.visitor, "Anyone there?");
    await historyInD1(live.ws, live.conversation.id, seq);
    type Inbox = { conversations: { id: string; unread: number }[] };
    const unreadFor = async (cookie: string) =>
      (await asAgent(cookie).json<Inbox>("/api/console/conversations?filter=all")).conversations.find((c) => c.id === live.conversation.id)?.unread;
    expect(await unreadFor(live.agentCookie)).toBeGreaterThan(0);
    expect(await unreadFor(bystander.cookie)).toBe(0);
    // Once the bystander opens it (and reads up to an earlier point), it concerns them too.
    expect((await asAgent(bystander.cookie).post(`/api/console/conversations/${live.conversation.id}/read`, { seq: 1 })).status).toBeLessThan(300);
    expect(await unreadFor(bystander.cookie)).toBeGreaterThan(0);
  });
});
