import type { ClientFrame, Message, ServerFrame } from "../../protocol/frames";
import { newClientId } from "./client-id";

/** A message not yet acknowledged; a private note carries its visibility and mentions along, so a resend is a note too. */
export type PendingMessage = { clientId: string; body: string } & Partial<Pick<Message, "visibility" | "mentions">>;
export type ConnectionState = "connecting" | "online" | "offline";

/** Frames about the conversation rather than its messages. */
export type ConversationFrame = Extract<
  ServerFrame,
  { type: "ready" | "status" | "typing" | "read" | "idle_warning" | "feedback" | "done" | "presence" | "context" | "viewers" }
>;
/** Frames that only make sense now: they are dropped, not queued, while offline. */
export type ControlFrame = Extract<
  ClientFrame,
  { type: "typing" | "read" | "end" | "reopen" | "feedback" | "transcript" | "page" }
>;

export type SocketEvents = {
  /**
   * Every message, once, in sequence order as it becomes known. `live` is false for the history
   * replayed when the socket first connects, true for everything after it.
   */
  message: (message: Message, live: boolean) => void;
  /** The queue of unacknowledged messages changed (persist it to survive a reload). */
  pending: (pending: PendingMessage[]) => void;
  state: (state: ConnectionState) => void;
  error: (code: string, text: string, clientId?: string) => void;
  frame?: (frame: ConversationFrame) => void;
};

const MAX_BACKOFF_MS = 30_000;
const PING_MS = 25_000;
/** A connection that stays silent this long after a ping is dead even if the browser has not noticed. */
const PONG_TIMEOUT_MS = 10_000;

/**
 * One conversation's socket, shared by the widget and the console: it reconnects with
 * exponential backoff and jitter, resumes from the last seen sequence, resends unacknowledged
 * messages in order with their original clientIds, and hands each message over exactly once.
 */
export class ConversationSocket {
  private ws: WebSocket | null = null;
  private lastSeq = 0;
  private readonly pending = new Map<string, PendingMessage>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the room asks us to slow down: nothing is sent until it fires, then all in order. */
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private caughtUp = false;
  private replayed = false;
  private author: Message["author"] = { type: "visitor", id: null, name: "" };

  constructor(
    private readonly url: () => string,
    private readonly on: SocketEvents,
    initialPending: PendingMessage[] = [],
  ) {
    for (const p of initialPending) this.pending.set(p.clientId, p);
  }

  connect(): void {
    this.closed = false;
    addEventListener("online", this.onBrowserOnline);
    this.open();
  }

  close(): void {
    this.closed = true;
    removeEventListener("online", this.onBrowserOnline);
    clearTimeout(this.retryTimer);
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.stopHeartbeat();
    this.ws?.close(1000, "bye");
    this.ws = null;
  }

  /** Queues a message (or, with `note`, a private note); it is sent now if online, else as soon as the connection returns. */
  send(body: string, note?: Pick<PendingMessage, "visibility" | "mentions">): PendingMessage {
    const message: PendingMessage = { clientId: newClientId(), body, ...note };
    this.pending.set(message.clientId, message);
    this.on.pending(this.pendingList());
    if (this.caughtUp && !this.holdTimer) this.write({ type: "send", ...message });
    return message;
  }

  /** Sends a frame that only means something now; false when there is no connection to send it on. */
  control(frame: ControlFrame): boolean {
    if (!this.caughtUp) return false;
    return this.write(frame);
  }

  pendingList(): PendingMessage[] {
    return [...this.pending.values()];
  }

  // The browser knows before our backoff does: try again at once instead of waiting.
  private readonly onBrowserOnline = () => {
    if (this.closed || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.open();
  };

  private open(): void {
    this.caughtUp = false;
    this.on.state("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      if (this.ws !== ws || typeof e.data !== "string") return;
      clearTimeout(this.pongTimer);
      this.receive(JSON.parse(e.data) as ServerFrame);
    });
    ws.addEventListener("close", () => {
      if (this.ws === ws) this.drop();
    });
  }

  /** Forgets the current connection and schedules the next attempt. */
  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.caughtUp = false;
    this.stopHeartbeat();
    ws?.close();
    if (!this.closed) this.retry();
  }

  private retry(): void {
    this.on.state("offline");
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    // Jitter: reconnecting clients spread out instead of stampeding a restarted server.
    this.retryTimer = setTimeout(() => this.open(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.pingTimer = setInterval(() => {
      if (!this.write({ type: "ping" })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.drop(), PONG_TIMEOUT_MS);
    }, PING_MS);
  }

  private stopHeartbeat(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case "ready":
        this.attempt = 0;
        this.author = frame.author;
        this.write({ type: "resume", since: this.lastSeq });
        this.startHeartbeat();
        return this.on.frame?.(frame);
      case "history":
        for (const m of frame.messages) this.accept(m);
        if (frame.more) {
          this.write({ type: "resume", since: this.lastSeq });
          return;
        }
        this.caughtUp = true;
        this.replayed = true;
        // Caught up: only now resend, so that no ack can overtake a history page still to come.
        if (!this.holdTimer) this.resendPending();
        return this.on.state("online");
      case "message":
        // Until the history is in, a live message would jump the seq past the ones still to come
        // (and they would be dropped as already seen); the history brings it anyway.
        if (!this.caughtUp) return;
        return this.accept(frame.message);
      case "ack": {
        const p = this.pending.get(frame.clientId);
        if (!p) return;
        this.pending.delete(frame.clientId);
        this.on.pending(this.pendingList());
        const { clientId: _c, body: _b, ...note } = p;
        return this.accept({ seq: frame.seq, clientId: frame.clientId, body: p.body, createdAt: frame.createdAt, author: this.author, ...note });
      }
      case "error":
        if (frame.code === "rate_limited" && frame.clientId && this.pending.has(frame.clientId)) {
          // Not a refusal of the message, only of its timing: it and everything after it wait.
          this.hold(frame.retry_after_ms ?? 1000);
        } else if (frame.clientId && this.pending.has(frame.clientId)) {
          // The room refused this message for good (too long, conversation ended): stop resending it.
          this.pending.delete(frame.clientId);
          this.on.pending(this.pendingList());
        }
        return this.on.error(frame.code, frame.message, frame.clientId);
      case "pong":
        return;
      default:
        return this.on.frame?.(frame);
    }
  }

  /**
   * The room refuses every send of ours until the time it named (so none can overtake the refused
   * one); then the queue goes again, in order, with the same clientIds.
   */
  private hold(ms: number): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      if (this.caughtUp) this.resendPending();
    }, ms);
  }

  private resendPending(): void {
    for (const p of this.pending.values()) this.write({ type: "send", ...p });
  }

  private accept(message: Message): void {
    if (message.seq <= this.lastSeq) return;
    this.lastSeq = message.seq;
    if (this.pending.delete(message.clientId)) this.on.pending(this.pendingList());
    this.on.message(message, this.replayed);
  }

  private write(frame: ClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}
