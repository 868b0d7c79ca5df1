import type { AgentLoad, ConsoleChannel, LobbyClientFrame, LobbyErrorCode, LobbyServerFrame, LobbyStateFrame, QueueEntry } from "../../protocol/lobby";
import type { AgentRef } from "../../protocol/frames";
import { applyLobbyDelta, applyOwnFrame } from "../../protocol/lobby-state";

export type QueuedChat = QueueEntry & { channelId: string; channelName: string };
/** A chat offered to this agent alone, until `expiresAt` (the lobby's clock). */
export type OfferedChat = QueuedChat & { expiresAt: number };

export type LobbyEvents = {
  /** Availability, presence or the queue changed on some channel. */
  change: () => void;
  accepted: (conversationId: string, agent: AgentRef) => void;
  error: (code: LobbyErrorCode, message: string, conversationId?: string) => void;
};

const MAX_BACKOFF_MS = 30_000;
const PING_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;

/**
 * One channel's lobby socket: reconnects with backoff and jitter, and keeps the state, from the
 * whole state the lobby sends first and each change after it. A change that is not the next
 * version means one was missed: the link asks for the whole state again and waits for it.
 */
class ChannelLink {
  state: LobbyStateFrame | null = null;
  private resyncing = false;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly channel: ConsoleChannel,
    private readonly onFrame: (link: ChannelLink, frame: LobbyServerFrame) => void,
    private readonly onDrop: () => void,
  ) {}

  open(): void {
    this.closed = false;
    const url = `${location.origin.replace(/^http/, "ws")}/api/console/channels/${encodeURIComponent(this.channel.id)}/lobby`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      if (this.ws !== ws || typeof e.data !== "string") return;
      clearTimeout(this.pongTimer);
      const frame = JSON.parse(e.data) as LobbyServerFrame;
      if (frame.type === "lobby") {
        this.attempt = 0;
        this.resyncing = false;
        this.state = frame;
      } else if (frame.type === "queued" || frame.type === "dequeued" || frame.type === "availability") {
        if (!this.state || this.resyncing) return;
        const next = applyLobbyDelta(this.state, frame);
        if (!next) {
          this.resyncing = this.send({ type: "resync" });
          return;
        }
        this.state = next;
      } else if (frame.type === "offer" || frame.type === "offer_ended" || frame.type === "load") {
        if (!this.state) return;
        this.state = applyOwnFrame(this.state, frame);
      }
      this.onFrame(this, frame);
    });
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.pingTimer = setInterval(() => {
        if (!this.send({ type: "ping" })) return;
        clearTimeout(this.pongTimer);
        this.pongTimer = setTimeout(() => this.drop(), PONG_TIMEOUT_MS);
      }, PING_MS);
    });
    ws.addEventListener("close", () => {
      if (this.ws === ws) this.drop();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    this.ws?.close(1000, "bye");
    this.ws = null;
  }

  send(frame: LobbyClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.state = null;
    this.resyncing = false;
    this.stopHeartbeat();
    ws?.close();
    this.onDrop();
    if (this.closed) return;
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.open(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private stopHeartbeat(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}

/**
 * The console's presence in every channel of its workspace: one lobby socket per channel, one
 * "Available for chat" switch over all of them, and their waiting chats merged in arrival order.
 */
export class LobbyClient {
  private readonly links: ChannelLink[];
  /** What the agent last asked for; re-sent to a channel whose reconnect finds it otherwise. */
  private wanted: boolean | null = null;

  constructor(
    channels: ConsoleChannel[],
    private readonly on: LobbyEvents,
  ) {
    this.links = channels.map(
      (channel) =>
        new ChannelLink(
          channel,
          (link, frame) => this.receive(link, frame),
          () => this.on.change(),
        ),
    );
  }

  connect(): void {
    for (const link of this.links) link.open();
  }

  close(): void {
    for (const link of this.links) link.close();
  }

  get hasChannels(): boolean {
    return this.links.length > 0;
  }

  /** Every channel is connected and has the switch on. */
  get available(): boolean {
    return this.links.length > 0 && this.links.every((l) => l.state?.available === true);
  }

  get connected(): boolean {
    return this.links.length > 0 && this.links.every((l) => l.state !== null);
  }

  get queue(): QueuedChat[] {
    return this.links
      .flatMap((l) => (l.state?.queue ?? []).map((entry) => ({ ...entry, channelId: l.channel.id, channelName: l.channel.name })))
      .sort((a, b) => a.enqueuedAt - b.enqueuedAt);
  }

  /** Chats offered to this agent, the one to answer first (soonest to run out) first. */
  get offers(): OfferedChat[] {
    return this.links
      .flatMap((l) =>
        (l.state?.offers ?? []).map((o) => ({ ...o.entry, expiresAt: o.expiresAt, channelId: l.channel.id, channelName: l.channel.name })),
      )
      .sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** Live chats and offers over every channel, of the agent's capacity; null until a channel answered. */
  get load(): AgentLoad | null {
    const loads = this.links.flatMap((l) => (l.state ? [l.state.load] : []));
    if (loads.length === 0) return null;
    return {
      capacity: loads[0]!.capacity,
      paused: loads[0]!.paused,
      live: loads.reduce((n, l) => n + l.live, 0),
      offered: loads.reduce((n, l) => n + l.offered, 0),
    };
  }

  /** Passes on an offer; false when it is no longer offered here. */
  decline(conversationId: string): boolean {
    const link = this.links.find((l) => l.state?.offers.some((o) => o.entry.conversationId === conversationId));
    return link?.send({ type: "decline", conversationId }) ?? false;
  }

  setAvailable(available: boolean): void {
    this.wanted = available;
    for (const link of this.links) link.send({ type: "availability", available });
  }

  /** False when the chat is not in any connected channel's queue any more. */
  accept(conversationId: string): boolean {
    const link = this.links.find((l) => l.state?.queue.some((q) => q.conversationId === conversationId));
    return link?.send({ type: "accept", conversationId }) ?? false;
  }

  private receive(link: ChannelLink, frame: LobbyServerFrame): void {
    switch (frame.type) {
      case "lobby":
        if (this.wanted !== null && frame.available !== this.wanted) link.send({ type: "availability", available: this.wanted });
        return this.on.change();
      case "queued":
      case "dequeued":
      case "availability":
      case "offer":
      case "offer_ended":
      case "load":
      case "overdue":
        return this.on.change();
      case "accepted":
        return this.on.accepted(frame.conversationId, frame.agent);
      case "error":
        return this.on.error(frame.code, frame.message, frame.conversationId);
      case "pong":
        return;
    }
  }
}
