import type { LobbyErrorCode, LobbyServerFrame, LobbyStateFrame, QueueEntry } from "../protocol/lobby";
import { lobbyAgent, type LobbyAgent } from "./lobby-agent";
import { offeredTo, queueFor, toEntry } from "./lobby-routing";
import type { LobbyOffers } from "./lobby-offers";
import type { LobbyStore } from "./lobby-store";

/**
 * The agents' console sockets of one lobby and what they are told. A change goes out as one small
 * frame per socket, all carrying the same new version (docs/lobby-protocol.md): `queued` and
 * `dequeued` for one row, `availability` for the count of available agents. Only a new socket, a
 * `resync`, and an agent's own switch get the whole state, so what a change costs does not grow
 * with the queue.
 */
export class LobbyConsoles {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly store: LobbyStore,
    private readonly offers: LobbyOffers,
    /** When a waiting chat passes its waiting target, if it has one. */
    private readonly waitDueOf: (conversationId: string) => number | null,
  ) {}

  /** Agents who count as available: the switch is on and at least one of their console sockets is open. */
  availableAgents(closing?: WebSocket): Set<string> {
    const ids = new Set<string>();
    for (const ws of this.openSockets(closing)) {
      const id = this.agentOf(ws).agent.id;
      if (!ids.has(id) && this.store.isAvailable(id)) ids.add(id);
    }
    return ids;
  }

  /** The whole state as this socket's agent sees it, as of `version`. */
  sendState(ws: WebSocket, version = this.store.version()): void {
    this.send(ws, this.stateOf(ws, version));
  }

  /** A conversation is in the queue now: each socket learns its place, and those offered it the row. */
  announceQueued(conversationId: string): void {
    const row = this.store.queued(conversationId);
    const position = this.store.positionOf(conversationId);
    if (!row || position === null) return;
    const entry = toEntry(row, position, this.waitDueOf(conversationId));
    const available = this.availableAgents();
    this.announce((who, version) => ({
      type: "queued",
      version,
      position,
      entry: available.has(who.agent.id) && offeredTo(row, who.agent.id) ? entry : null,
    }));
  }

  /** The conversation that was at `position` has left the queue. */
  announceDequeued(conversationId: string, position: number): void {
    this.announce((_who, version) => ({ type: "dequeued", version, position, conversationId }));
  }

  /**
   * Tells every console the count of available agents if it moved since they were last told.
   * `answer` is the socket that asked (a new one, or the one that set its switch): it always gets
   * the whole state. When `switched` (its agent's switch changed), all that agent's sockets do, as
   * their queue appears or empties with it.
   */
  announceAgents(options: { closing?: WebSocket; answer?: WebSocket; switched?: boolean } = {}): void {
    const { closing, answer, switched = false } = options;
    const count = this.availableAgents(closing).size;
    if (!switched && count === this.store.announcedAgents()) {
      if (answer) this.sendState(answer);
      return;
    }
    this.store.setAnnouncedAgents(count);
    const switchedAgent = switched && answer ? this.agentOf(answer).agent.id : null;
    this.announce(
      (who, version, ws) =>
        ws === answer || who.agent.id === switchedAgent ? this.stateOf(ws, version) : { type: "availability", version, agentsAvailable: count },
      closing,
    );
  }

  /** Sends to every open socket of one agent; for what is theirs alone (offers, load). */
  sendToAgent(agentId: string, frame: LobbyServerFrame): void {
    for (const ws of this.openSockets()) if (this.agentOf(ws).agent.id === agentId) this.send(ws, frame);
  }

  /** An entry of the queue as agents see it, for an offer. */
  entryOf(conversationId: string): QueueEntry | null {
    const row = this.store.queued(conversationId);
    const position = this.store.positionOf(conversationId);
    return row && position !== null ? toEntry(row, position, this.waitDueOf(conversationId)) : null;
  }

  /** Sends to every open socket; for frames that are the same for everyone and change nothing (`accepted`). */
  broadcast(frame: LobbyServerFrame): void {
    for (const ws of this.openSockets()) this.send(ws, frame);
  }

  openSockets(closing?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
  }

  agentOf(ws: WebSocket): LobbyAgent {
    return lobbyAgent.parse(ws.deserializeAttachment());
  }

  send(ws: WebSocket, frame: LobbyServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; its close handler tidies up.
    }
  }

  sendError(ws: WebSocket, code: LobbyErrorCode, message: string, conversationId?: string): void {
    this.send(ws, conversationId === undefined ? { type: "error", code, message } : { type: "error", code, message, conversationId });
  }

  /** One change: a new version, and exactly one frame for it to every open socket. */
  private announce(frameFor: (who: LobbyAgent, version: number, ws: WebSocket) => LobbyServerFrame, closing?: WebSocket): void {
    const version = this.store.nextVersion();
    for (const ws of this.openSockets(closing)) this.send(ws, frameFor(this.agentOf(ws), version, ws));
  }

  private stateOf(ws: WebSocket, version: number): LobbyStateFrame {
    const { channelId, agent } = this.agentOf(ws);
    const available = this.store.isAvailable(agent.id);
    const queue: QueueEntry[] = available ? queueFor(this.store.queue(), agent.id, this.waitDueOf) : [];
    const offers = this.offers.offersTo(agent.id).flatMap((o) => {
      const entry = this.entryOf(o.conversationId);
      return entry ? [{ entry, expiresAt: o.expiresAt }] : [];
    });
    return {
      type: "lobby",
      version,
      channelId,
      available,
      agentsAvailable: this.availableAgents().size,
      queue,
      routing: this.offers.settings().routing.mode,
      offers,
      load: this.offers.loadOf(agent.id),
    };
  }
}
