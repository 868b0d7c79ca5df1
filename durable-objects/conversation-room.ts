import { DurableObject } from "cloudflare:workers";
import {
  clientFrame,
  type ErrorCode,
  type Message,
  type ServerFrame,
} from "../protocol/frames";
import { HISTORY_PAGE_SIZE, MAX_FRAME_BYTES } from "../protocol/limits";
import { describeZodError } from "../worker/http/errors";
import { writeHistory } from "../worker/db/conversations";
import type { Env } from "../worker/env";
import { PRINCIPAL_HEADER, principalSchema, type Principal } from "./principal";
import { RoomStore, type RoomMeta } from "./room-store";

/** Messages are copied to D1 shortly after they arrive, so that a burst lands in one batch. */
const SYNC_DELAY_MS = 250;
const SYNC_BATCH = 100;
const MAX_SYNC_BACKOFF_MS = 5 * 60_000;

export type PostResult = { ok: true; message: Message; duplicate: boolean } | { ok: false; code: ErrorCode; message: string };

/** One per conversation: its sockets, its ordered messages, and its timers. */
export class ConversationRoom extends DurableObject<Env> {
  private readonly store: RoomStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    // Answered by the runtime without waking a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // A crash between taking the sync timer and finishing the sync leaves history behind D1;
    // every wake-up checks for that and re-arms the timer.
    const meta = this.store.meta();
    if (meta && meta.syncedSeq < this.store.lastSeq()) {
      this.store.schedule("sync", Date.now());
      void ctx.blockConcurrencyWhile(() => this.armAlarm());
    }
  }

  init(meta: Omit<RoomMeta, "status" | "syncedSeq">): void {
    this.store.init(meta);
  }

  /** Appends a message unless its clientId was seen before; used by sockets and the REST API alike. */
  async post(author: Message["author"], clientId: string, body: string): Promise<PostResult> {
    const result = this.append(author, clientId, body);
    if (result.ok && !result.duplicate) await this.afterAppend(result.message, null);
    return result;
  }

  history(since: number, limit = HISTORY_PAGE_SIZE): Message[] {
    return this.store.messagesAfter(since, Math.min(limit, HISTORY_PAGE_SIZE));
  }

  override async fetch(request: Request): Promise<Response> {
    const meta = this.store.meta();
    if (!meta) return new Response("no such conversation", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const principal = principalSchema.safeParse(JSON.parse(request.headers.get(PRINCIPAL_HEADER) ?? "null"));
    if (!principal.success) return new Response("no principal", { status: 403 });

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [principal.data.role]);
    server.serializeAttachment(principal.data);
    this.send(server, {
      type: "ready",
      conversationId: meta.conversationId,
      lastSeq: this.store.lastSeq(),
      status: meta.status,
      author: { type: principal.data.role, id: principal.data.id, name: principal.data.name },
      read: { visitor: 0, agent: 0 },
      agent: null,
      queuePosition: null,
      endedBy: null,
      feedback: null,
    });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (typeof data !== "string") return this.sendError(ws, "bad_frame", "frames are JSON text, not binary");
    if (data.length > MAX_FRAME_BYTES / 3 && new TextEncoder().encode(data).byteLength > MAX_FRAME_BYTES) {
      return this.sendError(ws, "frame_too_large", `a frame is at most ${MAX_FRAME_BYTES} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.sendError(ws, "bad_frame", "the frame is not valid JSON");
    }
    const parsed = clientFrame.safeParse(json);
    if (!parsed.success) {
      const clientId = typeof (json as { clientId?: unknown })?.clientId === "string" ? (json as { clientId: string }).clientId : undefined;
      return this.sendError(ws, "bad_frame", describeZodError(parsed.error), clientId);
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "ping":
        return this.send(ws, { type: "pong" });
      case "resume":
        return this.sendHistory(ws, frame.since);
      case "send": {
        const principal = this.principalOf(ws);
        const result = this.append(
          { type: principal.role, id: principal.id, name: principal.name },
          frame.clientId,
          frame.body,
        );
        if (!result.ok) return this.sendError(ws, result.code, result.message, frame.clientId);
        // No await between the write and these sends: the output gate releases them only once
        // the write is durable, which is what makes an ack a promise.
        this.send(ws, { type: "ack", clientId: frame.clientId, seq: result.message.seq, createdAt: result.message.createdAt });
        if (!result.duplicate) await this.afterAppend(result.message, ws);
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime.
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    try {
      ws.close(1011, "socket error");
    } catch {
      // Already closed.
    }
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const timer of this.store.takeDue(now)) {
      if (timer.name === "sync") await this.syncHistory(timer.attempts);
    }
    await this.armAlarm();
  }

  private append(author: Message["author"], clientId: string, body: string): PostResult {
    const meta = this.store.meta();
    if (!meta) return { ok: false, code: "internal", message: "conversation not initialised" };
    const existing = this.store.findByClientId(clientId);
    if (existing) {
      if (existing.author.type !== author.type || existing.author.id !== author.id) {
        return { ok: false, code: "bad_frame", message: "clientId is already used by another message" };
      }
      return { ok: true, message: existing, duplicate: true };
    }
    if (meta.status === "ended") return { ok: false, code: "conversation_ended", message: "this conversation has ended" };
    return { ok: true, message: this.store.append({ clientId, author, body }), duplicate: false };
  }

  private async afterAppend(message: Message, sender: WebSocket | null): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== sender) this.send(ws, { type: "message", message });
    }
    this.store.schedule("sync", Date.now() + SYNC_DELAY_MS);
    await this.armAlarm();
  }

  /**
   * Copies unsynced messages to D1 in batches. A crash at any point leaves synced_seq behind, so
   * the next run sends the same rows again and D1's (conversation, seq) key drops the repeats.
   */
  private async syncHistory(attempts: number): Promise<void> {
    const meta = this.store.meta();
    if (!meta) return;
    try {
      let batch = this.store.messagesAfter(meta.syncedSeq, SYNC_BATCH);
      while (batch.length > 0) {
        await writeHistory(this.env.DB, meta.workspaceId, meta.conversationId, batch);
        const last = batch.at(-1)!.seq;
        this.store.markSynced(last);
        batch = this.store.messagesAfter(last, SYNC_BATCH);
      }
    } catch (err) {
      console.error("history sync failed; will retry", err);
      const delay = Math.min(1000 * 2 ** attempts, MAX_SYNC_BACKOFF_MS);
      this.store.reschedule("sync", Date.now() + delay, attempts + 1);
    }
  }

  private async armAlarm(): Promise<void> {
    const next = this.store.nextDue();
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  private sendHistory(ws: WebSocket, since: number): void {
    const messages = this.store.messagesAfter(since, HISTORY_PAGE_SIZE + 1);
    const more = messages.length > HISTORY_PAGE_SIZE;
    this.send(ws, { type: "history", messages: more ? messages.slice(0, HISTORY_PAGE_SIZE) : messages, more });
  }

  private principalOf(ws: WebSocket): Principal {
    return principalSchema.parse(ws.deserializeAttachment());
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed meanwhile; its client resumes from its last seq on reconnect.
    }
  }

  private sendError(ws: WebSocket, code: ErrorCode, message: string, clientId?: string): void {
    this.send(ws, { type: "error", code, message, ...(clientId ? { clientId } : {}) });
  }
}
