import type { AgentRef, Message, ServerFrame } from "../protocol/frames";
import type { Principal } from "./principal";

/**
 * Who has the thread open and who hears what: collision detection and private notes, worked out
 * from the room's sockets alone. The sockets (with the principal serialised on each) survive
 * hibernation, so nothing here is stored: a woken room knows its viewers as soon as it is asked.
 */

/** One socket and who is on it; `closing` is the socket whose close is being handled, if any. */
export type Audience = { sockets: WebSocket[]; principalOf: (ws: WebSocket) => Principal; closing?: WebSocket };

/**
 * The agents with the thread open, each once however many tabs they have, in the order they came.
 *
 * @example
 * viewersOf({ sockets: ctx.getWebSockets("agent"), principalOf }) // [{ id: "ag_1", name: "Dana" }]
 */
export function viewersOf({ sockets, principalOf, closing }: Audience): AgentRef[] {
  const seen = new Map<string, AgentRef>();
  for (const ws of sockets) {
    if (ws === closing || ws.readyState !== WebSocket.OPEN) continue;
    const who = principalOf(ws);
    if (who.role === "agent" && who.id && !seen.has(who.id)) seen.set(who.id, { id: who.id, name: who.name });
  }
  return [...seen.values()];
}

/** The `viewers` frame for the agents' sockets. */
export const viewersFrame = (audience: Audience): ServerFrame => ({ type: "viewers", agents: viewersOf(audience) });

/** A note is for agents' eyes only; everything else goes to everyone in the room. */
export const reaches = (message: Pick<Message, "visibility">, reader: Principal): boolean =>
  message.visibility !== "note" || reader.role === "agent";

/**
 * Whether `reader` hears that `typist` is typing. Agents hear everyone. The visitor hears only
 * the responsible agent writing a reply (never a note): the header names that agent, so a second
 * agent typing there would read as the first. With nobody responsible yet, any agent's reply.
 */
export function hearsTyping(reader: Principal, typist: Principal, note: boolean, responsible: AgentRef | null): boolean {
  if (reader.role === "agent" || typist.role !== "agent") return true;
  return !note && (responsible === null || responsible.id === typist.id);
}
