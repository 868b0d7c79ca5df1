import type { AnyFrame, Socket } from "./ws-client.ts";

/**
 * A client that does what docs/protocol.md asks of one, and keeps the record the crash test checks:
 * it resumes after every `ready`, applies history in order, resends its unacknowledged messages
 * with their original clientIds once history is complete, and reconnects with exponential backoff
 * and jitter. Everything it learns about the conversation goes into `log` (seq → clientId).
 */

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 4_000;

export type ClientRecord = {
  /** seq → clientId, from acks, messages and history. */
  log: Map<number, string>;
  /** Every clientId this client made, in the order it made them. */
  created: string[];
  /** clientId → the seq its ack named. */
  acks: Map<string, number>;
  /** Not acknowledged yet, oldest first. */
  pending: { clientId: string; body: string }[];
  /** A seq that skipped ahead while live, or the same seq with another clientId: neither may happen. */
  gaps: number;
  conflicts: number;
  /** The same clientId acknowledged with two different seqs. */
  ackConflicts: number;
  refused: string[];
  reconnects: number;
};

export class ResilientClient {
  readonly name: string;
  readonly record: ClientRecord = { log: new Map(), created: [], acks: new Map(), pending: [], gaps: 0, conflicts: 0, ackConflicts: 0, refused: [], reconnects: 0 };
  private readonly open: (onClose: () => void) => Promise<Socket>;
  private socket: Socket | null = null;
  private live = false;
  private running = true;
  private lastSeq = 0;
  private backoffMs = BACKOFF_START_MS;
  private made = 0;

  constructor(name: string, open: (onClose: () => void) => Promise<Socket>) {
    this.name = name;
    this.open = open;
  }

  get isLive(): boolean {
    return this.live;
  }

  async connect(): Promise<void> {
    if (!this.running) return;
    try {
      // A refused or failed upgrade rejects (and retries below) before there is a socket to close.
      let socket: Socket | null = null;
      socket = await this.open(() => socket && this.closed(socket));
      this.socket = socket;
      socket.listen((frame) => this.onFrame(frame));
    } catch {
      this.retry();
    }
  }

  /** Queues a message; it goes out now if the socket is live, else after the next resume. */
  send(body: string): void {
    const clientId = `${this.name}-${(this.made++).toString(36)}`;
    this.record.created.push(clientId);
    this.record.pending.push({ clientId, body });
    if (this.live) this.socket?.send({ type: "send", clientId, body });
  }

  stop(): void {
    this.running = false;
    this.socket?.close();
  }

  private closed(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.live = false;
    this.retry();
  }

  private retry(): void {
    if (!this.running) return;
    // A random point in the upper half of the current wait, as the widget does.
    const wait = this.backoffMs / 2 + Math.random() * (this.backoffMs / 2);
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.record.reconnects++;
    setTimeout(() => void this.connect(), wait);
  }

  private apply(seq: number, clientId: string): void {
    const known = this.record.log.get(seq);
    if (known !== undefined) {
      if (known !== clientId) this.record.conflicts++;
      return;
    }
    if (seq !== this.lastSeq + 1) this.record.gaps++;
    this.record.log.set(seq, clientId);
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  private settle(clientId: string): void {
    const i = this.record.pending.findIndex((p) => p.clientId === clientId);
    if (i >= 0) this.record.pending.splice(i, 1);
  }

  private onFrame(frame: AnyFrame): void {
    switch (frame.type) {
      case "ready":
        this.socket?.send({ type: "resume", since: this.lastSeq });
        return;
      case "history":
        if (!("messages" in frame)) return;
        for (const m of frame.messages) {
          if (m.seq <= this.lastSeq) continue;
          this.apply(m.seq, m.clientId);
          this.settle(m.clientId);
        }
        if (frame.more) {
          this.socket?.send({ type: "resume", since: this.lastSeq });
          return;
        }
        this.live = true;
        this.backoffMs = BACKOFF_START_MS;
        for (const p of this.record.pending) this.socket?.send({ type: "send", clientId: p.clientId, body: p.body });
        return;
      case "message":
        // Before the last history page, history covers everything; after it, frames come in order.
        if (this.live) this.apply(frame.message.seq, frame.message.clientId);
        return;
      case "ack": {
        const before = this.record.acks.get(frame.clientId);
        if (before !== undefined && before !== frame.seq) this.record.ackConflicts++;
        this.record.acks.set(frame.clientId, frame.seq);
        this.settle(frame.clientId);
        this.apply(frame.seq, frame.clientId);
        return;
      }
      case "error":
        if ("clientId" in frame && frame.clientId) {
          this.record.refused.push(`${frame.clientId}: ${frame.code} ${frame.message}`);
          this.settle(frame.clientId);
        }
        return;
    }
  }
}
