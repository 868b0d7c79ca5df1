import type { ClientFrame, Message, ServerFrame } from "../../protocol/frames";
import { newClientId } from "./client-id";

export type PendingMessage = { clientId: string; body: string };
export type ConnectionState = "connecting" | "online" | "offline";

export type SocketEvents = {
  /** Every message, once, in sequence order as it becomes known. */
  message: (message: Message) => void;
  /** The queue of unacknowledged messages changed (persist it to survive a reload). */
  pending: (pending: PendingMessage[]) => void;
  state: (state: ConnectionState) => void;
  error: (code: string, text: string, clientId?: string) => void;
};

const MAX_BACKOFF_MS = 30_000;
const PING_MS = 25_000;

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
  private closed = false;

  constructor(
    private readonly url: () => string,
    private readonly on: SocketEvents,
    initialPending: PendingMessage[] = [],
  ) {
    for (const p of initialPending) this.pending.set(p.clientId, p);
  }

  connect(): void {
    this.closed = false;
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.close(1000, "bye");
    this.ws = null;
  }

  /** Queues a message; it is sent now if online, else as soon as the connection returns. */
  send(body: string): PendingMessage {
    const message = { clientId: newClientId(), body };
    this.pending.set(message.clientId, message);
    this.on.pending(this.pendingList());
    if (this.caughtUp) this.write({ type: "send", ...message });
    return message;
  }

  pendingList(): PendingMessage[] {
    return [...this.pending.values()];
  }

  private caughtUp = false;
  private author: Message["author"] = { type: "visitor", id: null, name: "" };

  private open(): void {
    this.caughtUp = false;
    this.on.state("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") this.receive(JSON.parse(e.data) as ServerFrame);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.caughtUp = false;
      clearInterval(this.pingTimer);
      if (!this.closed) this.retry();
    });
  }

  private retry(): void {
    this.on.state("offline");
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    // Full jitter: reconnecting clients spread out instead of stampeding a restarted server.
    this.retryTimer = setTimeout(() => this.open(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case "ready":
        this.attempt = 0;
        this.on.state("online");
        this.author = frame.author;
        this.write({ type: "resume", since: this.lastSeq });
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.write({ type: "ping" }), PING_MS);
        return;
      case "history":
        for (const m of frame.messages) this.accept(m);
        if (frame.more) return this.write({ type: "resume", since: this.lastSeq });
        this.caughtUp = true;
        // Caught up: only now resend, so that no ack can overtake a history page still to come.
        for (const p of this.pending.values()) this.write({ type: "send", ...p });
        return;
      case "message":
        return this.accept(frame.message);
      case "ack": {
        const p = this.pending.get(frame.clientId);
        if (!p) return;
        this.pending.delete(frame.clientId);
        this.on.pending(this.pendingList());
        return this.accept({ seq: frame.seq, clientId: frame.clientId, body: p.body, createdAt: frame.createdAt, author: this.author });
      }
      case "error":
        if (frame.clientId && this.pending.has(frame.clientId)) {
          // The room refused this message for good (too long, conversation ended): stop resending it.
          this.pending.delete(frame.clientId);
          this.on.pending(this.pendingList());
        }
        return this.on.error(frame.code, frame.message, frame.clientId);
      case "pong":
        return;
    }
  }

  private accept(message: Message): void {
    if (message.seq <= this.lastSeq) return;
    this.lastSeq = message.seq;
    if (this.pending.delete(message.clientId)) this.on.pending(this.pendingList());
    this.on.message(message);
  }

  private write(frame: ClientFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }
}
