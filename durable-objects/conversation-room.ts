import { DurableObject } from "cloudflare:workers";
import {
  agentRef,
  attachmentSchema,
  clientFrame,
  conversationProgress,
  type AgentRef,
  type Attachment,
  type Author,
  type EndReason,
  type ErrorCode,
  type Feedback,
  type Message,
  type PageFrame,
  type RoomSnapshot,
  type ServerFrame,
  type SystemEvent,
  type Visibility,
} from "../protocol/frames";
import { HISTORY_PAGE_SIZE, LIMITS, MAX_FRAME_BYTES } from "../protocol/limits";
import { describeZodError } from "../worker/http/errors";
import type { Env } from "../worker/env";
import { PRINCIPAL_HEADER, principalSchema, type Principal } from "./principal";
import { roomInit, type RoomIdentity, type RoomInit } from "./room-init";
import { RoomContext } from "./room-context";
import { RoomEventCursor } from "./room-events";
import { RoomLimits, senderOf, type CountedFrame } from "./room-limits";
import { RoomOutbox, type OutboxItem } from "./room-outbox";
import { RoomSchedule, type Timer } from "./room-schedule";
import { RoomStore, type RoomState } from "./room-store";
import { syncRoom } from "./room-sync";
import { hearsTyping, reaches, viewersFrame } from "./room-viewers";

/**
 * Messages are copied to D1 shortly after they arrive, so that a burst lands in one batch; while
 * they keep coming, at most once a second, since each copy costs an alarm, a D1 batch and its
 * triggers however few messages it carries (D1 is a copy: the room is the record).
 */
const SYNC_DELAY_MS = 250;
const SYNC_INTERVAL_MS = 1000;
const SYNC_LEASE_MS = 60_000;
const MAX_SYNC_BACKOFF_MS = 5 * 60_000;
const IDLE_WARNING_MS = 60_000;
const SURVEY_DELAY_MS = 10 * 60_000;
const SYSTEM: Author = { type: "system", id: null, name: "Parley" };

type Refusal = { ok: false; code: ErrorCode; message: string; retryAfterMs?: number };
/** A private note and whom it mentions; absent for a message to the customer. */
export type NoteOptions = { visibility: Visibility; mentions?: string[] };
export type PostResult = { ok: true; message: Message; duplicate: boolean } | Refusal;
export type RoomResult = { ok: true } | Refusal;

const refuse = (code: ErrorCode, message: string): Refusal => ({ ok: false, code, message });
const slowDown = (retryAfterMs: number): Refusal => ({
  ok: false,
  code: "rate_limited",
  message: `slow down: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
  retryAfterMs,
});
const OK = { ok: true } as const;

/** One per conversation: its sockets, its ordered messages, its life cycle and its timers. */
export class ConversationRoom extends DurableObject<Env> {
  private store: RoomStore;
  private schedule: RoomSchedule;
  private outbox: RoomOutbox;
  private events: RoomEventCursor;
  private context: RoomContext;
  /** The alarm this instance last set; undefined until read, since an earlier instance may have set one. */
  private alarmAt: number | null | undefined;
  private lastSyncAt = 0;
  private readonly principals = new WeakMap<WebSocket, Principal>();
  private readonly limits: RoomLimits;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    this.schedule = new RoomSchedule(ctx.storage.sql);
    this.outbox = new RoomOutbox(ctx.storage.sql);
    this.events = new RoomEventCursor(ctx.storage.sql);
    this.context = new RoomContext(ctx.storage.sql);
    this.limits = new RoomLimits(Number(env.RATE_LIMIT_FACTOR ?? "1") || 1);
    // Answered by the runtime without waking a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // A crash between taking the sync timer and finishing the sync leaves work undone; every
    // wake-up checks for that and re-arms the timer.
    if (this.store.identity() && this.hasUnsyncedWork()) {
      this.schedule.atLatest("sync", Date.now());
      void ctx.blockConcurrencyWhile(() => this.armAlarm());
    }
  }

  /** Idempotent: the first call sets the conversation up, repeats change nothing. */
  init(input: RoomInit): void {
    const parsed = roomInit.safeParse(input);
    // A ZodError loses its details on the way back over RPC; a plain message keeps them.
    if (!parsed.success) throw new Error(`bad room init: ${describeZodError(parsed.error)}`);
    const { status, agent, visitorContext, ...identity } = parsed.data;
    const isNew = !this.store.identity();
    this.store.init(identity, status, agent);
    this.context.configure(visitorContext);
    if (isNew) {
      this.addEvent({ type: "conversation.created" });
      this.requestSync();
    }
  }

  /**
   * Appends a message unless its clientId was seen before; used by uploads, the REST API, inbound
   * hooks and email alike (`viaIntegrator` for the last three, which have their own, higher rate).
   * A message with an attachment may have an empty body.
   */
  async post(
    author: Author,
    clientId: string,
    body: string,
    attachment?: Attachment,
    viaIntegrator = false,
    note?: NoteOptions,
  ): Promise<PostResult> {
    const file = attachmentSchema.optional().safeParse(attachment);
    if (!file.success) return refuse("bad_frame", `attachment: ${describeZodError(file.error)}`);
    if (note?.visibility === "note" && author.type !== "agent") return refuse("not_allowed", "only agents write notes");
    const allowed = this.limits.check(senderOf(author, viaIntegrator), "send");
    if (!allowed.ok) return slowDown(allowed.retryAfterMs);
    const result = this.append(author, clientId, body, file.data, note);
    if (result.ok && !result.duplicate) {
      this.afterAppend(result.message, null);
      await this.armAlarm();
    }
    return result;
  }

  /**
   * A reply that came by email, from the customer or one of the agents. Its Message-ID is its
   * clientId, so a redelivered email is acknowledged, not stored twice. An ended conversation is
   * opened again first (to its agent, or the queue), since someone is writing to it.
   */
  async postEmailReply(author: Author, clientId: string, body: string, attachment?: Attachment): Promise<PostResult> {
    if (!this.store.identity()) return refuse("internal", "conversation not initialised");
    const existing = this.store.findByClientId(clientId);
    if (existing) return this.post(author, clientId, body, attachment, true);
    if (this.store.state().status === "ended") {
      if (this.store.countSystem("reopened") >= LIMITS.conversation.maxReopens) {
        return refuse("limit_reached", `a conversation can be reopened at most ${LIMITS.conversation.maxReopens} times`);
      }
      this.reopenNow(author.type === "agent" ? `${author.name} replied by email` : "The customer replied by email");
    }
    return this.post(author, clientId, body, attachment, true);
  }

  /** What the email handler checks a reply against; null once the conversation is gone. */
  emailContext(): {
    workspaceId: string;
    channelId: string;
    contact: { name: string; email: string };
    status: RoomState["status"];
    /** Whether an email may still open it again (LIMITS.conversation.maxReopens). */
    canReopen: boolean;
  } | null {
    const identity = this.store.identity();
    if (!identity) return null;
    return {
      workspaceId: identity.workspaceId,
      channelId: identity.channelId,
      contact: identity.contact,
      status: this.store.state().status,
      canReopen: this.store.countSystem("reopened") < LIMITS.conversation.maxReopens,
    };
  }

  /** The messages after `since`; private notes only when `notes` (for agents and integrators, never the customer). */
  history(since: number, limit = HISTORY_PAGE_SIZE, notes = true): Message[] {
    return this.store.messagesAfter(since, Math.min(limit, HISTORY_PAGE_SIZE), notes);
  }

  snapshot(): RoomSnapshot {
    if (!this.store.identity()) throw new Error("conversation not initialised");
    return this.snapshotOf(this.store.state());
  }

  /**
   * The lobby hands a queued conversation to the agent who accepted it. False, changing nothing,
   * when it is no longer queued; true again for a repeated call by the agent who has it.
   */
  async accept(agent: AgentRef): Promise<boolean> {
    const who = agentRef.parse(agent);
    if (!this.store.identity()) return false;
    const state = this.store.state();
    if (state.status === "active" && state.accepted && state.agent?.id === who.id) return true;
    if (state.status !== "queued") return false;
    this.store.save({ ...state, status: "active", agent: who, accepted: true, queuePosition: null });
    this.appendSystem({ kind: "joined", agent: who }, `${who.name} joined the chat`);
    this.addEvent({ type: "conversation.accepted", agent: who });
    this.addEvent({ type: "conversation.assigned", agent: who, previousAgent: state.agent ?? null, via: "accepted" });
    this.broadcastStatus();
    await this.armAlarm();
    return true;
  }

  /** The lobby's word on the conversation's place in the queue; ignored once it has left the queue. */
  async setQueuePosition(position: number | null): Promise<void> {
    const place = conversationProgress.shape.queuePosition.parse(position);
    if (!this.store.identity()) return;
    const state = this.store.state();
    if (state.queuePosition === place || (place !== null && state.status !== "queued")) return;
    this.store.save({ ...state, queuePosition: place });
    // Entering the queue, not moving up in it, is the event.
    this.broadcastStatus();
    if (state.queuePosition === null && place !== null) {
      this.addEvent({ type: "conversation.queued", position: place });
      this.requestSync();
      await this.armAlarm();
    }
  }

  /** Makes another agent responsible, whatever the status; does not accept a queued conversation. */
  async assign(agent: AgentRef): Promise<void> {
    const who = agentRef.parse(agent);
    if (!this.store.identity()) throw new Error("conversation not initialised");
    const state = this.store.state();
    if (state.agent?.id === who.id && state.agent.name === who.name) return;
    this.store.save({ ...state, agent: who });
    // Everyone reads who has the thread now: the visitor's header follows the status frame.
    if (state.agent && state.agent.id !== who.id) this.appendSystem({ kind: "took_over", agent: who }, `${who.name} took over`);
    if (state.agent?.id !== who.id) this.addEvent({ type: "conversation.assigned", agent: who, previousAgent: state.agent ?? null, via: "assigned" });
    this.broadcastStatus();
    this.requestSync();
    await this.armAlarm();
  }

  /** Ends the conversation on behalf of its visitor or an agent (the REST API and the console). */
  async end(by: Principal): Promise<RoomResult> {
    if (!this.store.identity()) return refuse("internal", "conversation not initialised");
    const result = this.endBy(principalSchema.parse(by));
    await this.armAlarm();
    return result;
  }

  /**
   * Closes a revoked agent's sockets (deleted, password reset, signed out): every one of theirs, or
   * those of one session. Returns how many were closed.
   */
  revokeSockets(agentId: string, session?: string): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets("agent")) {
      const who = this.principalOf(ws);
      if (who.id !== agentId || (session !== undefined && who.session !== session)) continue;
      try {
        ws.close(4401, "signed out");
      } catch {
        // Already closed.
      }
      closed++;
    }
    if (closed > 0) this.tellAgentsOfViewers();
    return closed;
  }

  /** Closes the visitor's sockets once their tokens are revoked: the next connection needs a valid token. */
  revokeVisitorSockets(): number {
    const sockets = this.ctx.getWebSockets("visitor");
    for (const ws of sockets) {
      try {
        ws.close(4401, "token revoked");
      } catch {
        // Already closed.
      }
    }
    return sockets.length;
  }

  /**
   * Forgets the conversation for good: its sockets are closed, its timers stopped (so no late alarm
   * copies anything back to D1), its storage wiped. The room then answers as one never initialised.
   */
  async destroy(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(4404, "conversation deleted");
      } catch {
        // Already closed.
      }
    }
    await this.ctx.storage.deleteAlarm();
    this.alarmAt = null;
    await this.ctx.storage.deleteAll();
    this.store = new RoomStore(this.ctx.storage.sql);
    this.schedule = new RoomSchedule(this.ctx.storage.sql);
    this.outbox = new RoomOutbox(this.ctx.storage.sql);
    this.events = new RoomEventCursor(this.ctx.storage.sql);
    this.context = new RoomContext(this.ctx.storage.sql);
  }

  override async fetch(request: Request): Promise<Response> {
    if (!this.store.identity()) return new Response("no such conversation", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const principal = principalSchema.safeParse(JSON.parse(request.headers.get(PRINCIPAL_HEADER) ?? "null"));
    if (!principal.success) return new Response("no principal", { status: 403 });
    if (this.openSocketsOf(principal.data) >= LIMITS.conversation.socketsPerPrincipal) {
      const message = `at most ${LIMITS.conversation.socketsPerPrincipal} connections to one conversation; close another tab`;
      return Response.json({ error: { code: "too_many_sockets", message } }, { status: 429, headers: { "Retry-After": "10" } });
    }

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [principal.data.role]);
    server.serializeAttachment(principal.data);
    if (principal.data.role === "visitor") this.visitorArrived();
    this.send(server, {
      type: "ready",
      conversationId: this.identity().conversationId,
      author: { type: principal.data.role, id: principal.data.id, name: principal.data.name },
      ...this.snapshotOf(this.store.state()),
    });
    if (principal.data.role === "agent") this.tellAgentsOfViewers();
    if (principal.data.role === "agent") this.send(server, { type: "context", context: this.context.get() });
    // A visitor who arrives while an agent's answer waits for them starts the idle clock (it does
    // not run while nobody is on the page).
    const owed = principal.data.role === "visitor" ? this.replyOwedSince() : null;
    if (owed !== null && !this.schedule.get("idle_close")) {
      this.armIdle(Date.now());
      await this.armAlarm();
    }
    // A visitor who comes back after the warning went out still needs to know the chat is closing.
    const closing = this.schedule.get("idle_close");
    if (owed !== null && closing && !this.schedule.get("idle_warning")) {
      this.send(server, { type: "idle_warning", closesAt: closing.dueAt });
    }
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
    if (frame.type === "ping") return this.send(ws, { type: "pong" });
    const principal = this.principalOf(ws);
    const allowed = this.limits.check(senderOf(authorOf(principal), false), frame.type satisfies CountedFrame);
    if (!allowed.ok) {
      const { code, message, retryAfterMs } = slowDown(allowed.retryAfterMs);
      return this.sendError(ws, code, message, frame.type === "send" ? frame.clientId : undefined, retryAfterMs);
    }
    let result: RoomResult = OK;
    switch (frame.type) {
      case "resume":
        return this.sendHistory(ws, frame.since, principal.role === "agent");
      case "send": {
        if (frame.visibility === "note" && principal.role !== "agent") {
          return this.sendError(ws, "not_allowed", "only agents write notes", frame.clientId);
        }
        const note = frame.visibility === "note" ? { visibility: frame.visibility, mentions: frame.mentions } : undefined;
        const sent = this.append(authorOf(principal), frame.clientId, frame.body, undefined, note);
        if (!sent.ok) return this.sendError(ws, sent.code, sent.message, frame.clientId);
        // No await between the write and these sends: the output gate releases them only once
        // the write is durable, which is what makes an ack a promise.
        this.send(ws, { type: "ack", clientId: frame.clientId, seq: sent.message.seq, createdAt: sent.message.createdAt });
        if (!sent.duplicate) this.afterAppend(sent.message, ws);
        break;
      }
      case "typing":
        result = this.typing(ws, principal, frame.active, frame.note === true);
        break;
      case "read":
        result = this.markRead(principal, frame.seq);
        break;
      case "end":
        result = this.endBy(principal);
        break;
      case "reopen":
        result = this.reopen(principal);
        break;
      case "feedback":
        result = this.giveFeedback(ws, principal, frame.feedback);
        break;
      case "transcript":
        result = this.requestTranscript(ws, principal);
        break;
      case "page":
        result = this.recordPage(principal, frame);
        break;
    }
    if (!result.ok) return this.sendError(ws, result.code, result.message, undefined, result.retryAfterMs);
    await this.armAlarm();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    if (this.store.identity() && this.principalOf(ws).role === "visitor" && this.openVisitorSockets(ws) === 0) {
      this.visitorLeft();
      await this.armAlarm();
    }
    if (this.store.identity() && this.principalOf(ws).role === "agent") this.tellAgentsOfViewers(ws);
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
    this.alarmAt = null;
    const now = Date.now();
    for (const timer of this.schedule.due(now)) {
      // A timer handled before this one may have moved or cleared it (the sync awaits D1 meanwhile).
      const current = this.schedule.get(timer.name);
      if (!current || current.dueAt > now) continue;
      // The sync moves its own timer (see sync()).
      if (timer.name !== "sync") this.schedule.cancel(timer.name);
      switch (timer.name) {
        case "idle_warning":
        case "idle_close":
          this.checkIdle(current);
          break;
        case "survey":
          this.queueSurvey();
          break;
        case "reply_email":
          this.emailUnseenReplies();
          break;
        case "visitor_left":
          if (this.openVisitorSockets() === 0 && this.store.state().status !== "ended") this.finish("visitor_left", null);
          break;
        case "sync":
          this.lastSyncAt = now;
          await this.sync(current.attempts);
          break;
      }
    }
    await this.armAlarm();
  }

  private identity(): RoomIdentity {
    const identity = this.store.identity();
    if (!identity) throw new Error("conversation not initialised");
    return identity;
  }

  private append(author: Author, clientId: string, body: string, attachment: Attachment | undefined, note?: NoteOptions): PostResult {
    if (!this.store.identity()) return refuse("internal", "conversation not initialised");
    // A retry of a message sent before the chat ended is still acknowledged, so refusals look for it first.
    const refusal =
      this.store.state().status === "ended"
        ? refuse("conversation_ended", "this conversation has ended")
        : !attachment && body.trim() === ""
          ? refuse("bad_frame", "a message needs a body or an attachment")
          : this.store.lastSeq() >= LIMITS.conversation.maxMessages
            ? refuse("limit_reached", `a conversation holds at most ${LIMITS.conversation.maxMessages} messages; start a new one`)
            : attachment
              ? this.fileCapRefusal(attachment)
              : null;
    if (!refusal) {
      const message = this.store.append({
        clientId,
        author,
        body,
        ...(attachment ? { attachment } : {}),
        ...(note?.visibility === "note" ? { visibility: "note" as const, ...(note.mentions?.length ? { mentions: [...new Set(note.mentions)] } : {}) } : {}),
      });
      if (message) return { ok: true, message, duplicate: false };
    }
    const existing = this.store.findByClientId(clientId);
    if (!existing) return refusal ?? refuse("internal", "the message was neither stored nor found");
    if (existing.author.type !== author.type || existing.author.id !== author.id) {
      return refuse("bad_frame", "clientId is already used by another message");
    }
    return { ok: true, message: existing, duplicate: true };
  }

  /** Synchronous, so that it lands in the same durable step as the write it follows. */
  private afterAppend(message: Message, sender: WebSocket | null): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== sender && reaches(message, this.principalOf(ws))) this.send(ws, { type: "message", message });
    }
    this.requestSync();
    // A note is between agents: no email to the customer, no idle clock for them.
    if (message.visibility === "note") return;
    // An agent's message the customer has not seen after the channel's delay goes to their inbox,
    // with whatever else came meanwhile: one email for a burst, none if they read it on the page.
    // A conversation an agent starts is written to someone not on the page: it goes out at once.
    if (message.author.type === "agent") {
      const delay = message.seq === 1 ? 0 : this.identity().settings.replyEmailDelaySeconds * 1000;
      this.schedule.atLatest("reply_email", message.createdAt + delay);
    }
    // Idleness counts only while the visitor owes a reply: an agent's message starts the clock.
    // While its warning is still ahead, later messages, the visitor's included, leave the timers
    // alone: checkIdle works out when they go off whether the visitor still owes a reply and
    // since when, so a busy chat writes no timer per message. Once the warning is out, an answer
    // starts the clock over, so that the next warning is not late. A thread an agent started for a
    // customer who is not on the page has no visitor to idle.
    if (
      message.author.type === "agent" &&
      !this.schedule.get("idle_warning") &&
      this.store.state().status === "active" &&
      this.ctx.getWebSockets("visitor").length > 0
    ) {
      this.armIdle(message.createdAt);
    }
  }

  /**
   * System messages get a clientId no client can send (clients may not use ":"), derived from the
   * seq they take, so that they never collide with a client's message.
   */
  private appendSystem(event: SystemEvent, body: string): Message {
    const seq = this.store.lastSeq() + 1;
    const message = this.store.append({ clientId: `system:${event.kind}:${seq}`, author: SYSTEM, body, event });
    if (!message) throw new Error(`system message ${seq} already exists`);
    this.afterAppend(message, null);
    return message;
  }

  /** A webhook event, ordered right after the newest message (see room-events.ts). */
  private addEvent(event: Extract<OutboxItem, { kind: "event" }>["event"]): void {
    this.outbox.add({ kind: "event", afterSeq: this.store.lastSeq(), at: Date.now(), event });
  }

  private typing(ws: WebSocket, principal: Principal, active: boolean, note: boolean): RoomResult {
    const { status, agent } = this.store.state();
    if (status === "ended") return refuse("conversation_ended", "this conversation has ended");
    if (note && principal.role !== "agent") return refuse("not_allowed", "only agents write notes");
    for (const other of this.ctx.getWebSockets()) {
      const reader = this.principalOf(other);
      if (other === ws || !hearsTyping(reader, principal, note, agent)) continue;
      this.send(other, { type: "typing", author: authorOf(principal), active, ...(reader.role === "agent" && note ? { note } : {}) });
    }
    // A visitor who is typing is not idle: push the close back, if the clock is running.
    if (principal.role === "visitor" && active && this.schedule.get("idle_close")) this.armIdle(Date.now());
    return OK;
  }

  private markRead(principal: Principal, seq: number): RoomResult {
    if (seq > this.store.lastSeq()) return refuse("bad_frame", "seq: there is no message with this seq yet");
    const state = this.store.state();
    if (seq <= state.read[principal.role]) return OK;
    const read = { ...state.read, [principal.role]: seq };
    this.store.save({ ...state, read });
    this.broadcast({ type: "read", read });
    return OK;
  }

  private endBy(principal: Principal): RoomResult {
    if (this.store.state().status === "ended") return refuse("conversation_ended", "this conversation has already ended");
    this.finish(principal.role, principal.role === "agent" ? principal.name : null);
    return OK;
  }

  private finish(reason: EndReason, agentName: string | null): void {
    const { conversationId, settings } = this.identity();
    const before = this.store.state();
    const now = Date.now();
    this.store.save({ ...before, status: "ended", endedBy: reason, endedAt: now, queuePosition: null });
    this.clearIdle();
    this.schedule.cancel("visitor_left");
    const body =
      reason === "idle"
        ? "Chat closed after inactivity"
        : reason === "visitor_left"
          ? "The visitor left the chat"
          : `Chat ended by ${agentName ?? "the visitor"}`;
    const message = this.appendSystem({ kind: "ended", reason }, body);
    this.addEvent({ type: "conversation.ended", endedBy: reason });
    // The lobby takes a waiting chat out of its queue, and an accepted one off its agent's load.
    this.outbox.add({ kind: "dequeue" });
    if (settings.transcriptEmail) {
      this.outbox.add({ kind: "transcript", idempotencyKey: `${conversationId}:transcript:ended:${message.seq}`, uptoSeq: message.seq });
    }
    // A survey asks how an agent did, so only a conversation an agent took gets one.
    if (before.accepted && before.feedback === null) this.schedule.set("survey", now + SURVEY_DELAY_MS);
    this.broadcastStatus();
  }

  private reopen(principal: Principal): RoomResult {
    if (principal.role !== "visitor") return refuse("not_allowed", "only the visitor can go back to the chat");
    const { settings } = this.identity();
    const state = this.store.state();
    if (state.status !== "ended") return refuse("not_allowed", "the conversation has not ended");
    if (state.endedBy === "idle") return refuse("not_allowed", "a chat closed after inactivity cannot be reopened");
    if (!settings.allowBackToChat) return refuse("not_allowed", "this channel does not allow going back to the chat");
    if (this.store.countSystem("reopened") >= LIMITS.conversation.maxReopens) {
      return refuse("limit_reached", `a chat can be reopened at most ${LIMITS.conversation.maxReopens} times; start a new one`);
    }
    this.reopenNow("The visitor returned to the chat");
    return OK;
  }

  /** Back to the agent who had it, or to the queue if nobody took it yet. */
  private reopenNow(line: string): void {
    const state = this.store.state();
    const status = state.accepted ? "active" : "queued";
    this.store.save({ ...state, status, endedBy: null, endedAt: null });
    this.schedule.cancel("survey");
    this.appendSystem({ kind: "reopened" }, line);
    this.addEvent({ type: "conversation.reopened", status });
    if (status === "queued") this.outbox.add({ kind: "enqueue" });
    this.broadcastStatus();
  }

  private giveFeedback(ws: WebSocket, principal: Principal, feedback: Feedback): RoomResult {
    if (principal.role !== "visitor") return refuse("not_allowed", "only the visitor gives feedback");
    const state = this.store.state();
    if (state.status !== "ended") return refuse("not_allowed", "feedback is given once the chat has ended");
    this.store.save({ ...state, feedback });
    this.schedule.cancel("survey");
    this.addEvent({ type: "conversation.rated", feedback });
    this.requestSync();
    for (const agent of this.ctx.getWebSockets("agent")) this.send(agent, { type: "feedback", feedback });
    this.send(ws, { type: "done", request: "feedback" });
    return OK;
  }

  /**
   * "Email me the transcript" on the end form. The end of the chat already queued one when the
   * channel sends transcripts, so a request is answered without a second email: one transcript per
   * end, and a conversation ends at most `maxReopens + 1` times. Nothing else can make the room
   * email an address (it is the one the visitor typed, so it would be a relay).
   */
  private requestTranscript(ws: WebSocket, principal: Principal): RoomResult {
    if (principal.role !== "visitor") return refuse("not_allowed", "the transcript is emailed to the visitor, at their request");
    if (!this.identity().settings.transcriptEmail) return refuse("not_allowed", "this channel does not email transcripts");
    if (this.store.state().status !== "ended") return refuse("not_allowed", "the transcript is emailed when the chat has ended");
    this.send(ws, { type: "done", request: "transcript" });
    return OK;
  }

  /** The visitor's page, pushed to agents at once; nothing is kept where the channel opted out. */
  private recordPage(principal: Principal, frame: PageFrame): RoomResult {
    if (principal.role !== "visitor") return refuse("not_allowed", "only the visitor reports the page they are on");
    if (!this.context.settings().enabled) return refuse("not_allowed", "this channel does not take visitor context");
    if (this.store.state().status === "ended") return refuse("conversation_ended", "this conversation has ended");
    if (this.context.record(frame, Date.now())) {
      const context = this.context.get();
      for (const ws of this.ctx.getWebSockets("agent")) this.send(ws, { type: "context", context });
    }
    return OK;
  }

  /**
   * When the agent's answer the visitor has not replied to was sent: the conversation is live and
   * the newest word is an agent's. Null when the visitor owes no reply.
   */
  private replyOwedSince(): number | null {
    if (this.store.state().status !== "active") return null;
    const last = this.store.lastPersonMessage();
    return last?.author === "agent" ? last.createdAt : null;
  }

  /** The clock runs from `since`: a warning a minute before the close. */
  private armIdle(since: number): void {
    const closesAt = since + this.identity().settings.idleMinutes * 60_000;
    this.schedule.set("idle_warning", Math.max(Date.now(), closesAt - IDLE_WARNING_MS));
    this.schedule.set("idle_close", closesAt);
  }

  private clearIdle(): void {
    this.schedule.cancel("idle_warning");
    this.schedule.cancel("idle_close");
  }

  /**
   * An idle timer went off. The timers were set for the first unanswered answer and left alone
   * since, so this is where the visitor's reply calls them off, and where a newer answer moves
   * them: to its own close, when that is later than the one set (typing sets a later one).
   */
  private checkIdle(fired: Timer): void {
    const since = this.replyOwedSince();
    if (since === null) return this.clearIdle();
    const closesAt =
      fired.name === "idle_close" ? fired.dueAt : (this.schedule.get("idle_close")?.dueAt ?? fired.dueAt + IDLE_WARNING_MS);
    if (since + this.identity().settings.idleMinutes * 60_000 > closesAt) return this.armIdle(since);
    if (fired.name === "idle_close") return this.finish("idle", null);
    for (const ws of this.ctx.getWebSockets("visitor")) this.send(ws, { type: "idle_warning", closesAt });
  }

  /** Agent messages the customer has neither read on the page nor been emailed yet, in one email. */
  private emailUnseenReplies(): void {
    const state = this.store.state();
    const after = Math.max(state.read.visitor, state.emailedSeq);
    if (this.store.agentMessagesAfter(after) === 0) return;
    const uptoSeq = this.store.lastSeq();
    this.store.save({ ...state, emailedSeq: uptoSeq });
    this.outbox.add({ kind: "reply_email", afterSeq: after, uptoSeq });
    this.requestSync();
  }

  private queueSurvey(): void {
    const state = this.store.state();
    if (state.status !== "ended" || state.feedback !== null) return;
    this.outbox.add({ kind: "survey", idempotencyKey: `${this.identity().conversationId}:survey` });
    this.requestSync();
  }

  private requestSync(): void {
    this.schedule.atLatest("sync", this.nextSyncAt());
  }

  private nextSyncAt(): number {
    return Math.max(Date.now() + SYNC_DELAY_MS, this.lastSyncAt + SYNC_INTERVAL_MS);
  }

  private hasUnsyncedWork(): boolean {
    const lastSeq = this.store.lastSeq();
    return (
      this.store.syncedSeq() < lastSeq ||
      this.events.emittedSeq() < lastSeq ||
      this.store.unsyncedOutcome() !== null ||
      !this.outbox.isEmpty()
    );
  }

  /**
   * While the sync runs, its timer is pushed out for as long as a sync may take: a sync that never
   * finishes runs again, and a message arriving meanwhile brings the timer back to its own next
   * sync, in the commit of its INSERT. It is settled when the sync is done, in the same step as its
   * progress: due again if work came in meanwhile, gone if not.
   */
  private async sync(attempts: number): Promise<void> {
    this.schedule.set("sync", Date.now() + SYNC_LEASE_MS, attempts);
    try {
      await syncRoom(this.env, this.store, this.outbox, this.events);
    } catch (err) {
      console.error("room sync failed; will retry", err);
      this.schedule.set("sync", Date.now() + Math.min(1000 * 2 ** attempts, MAX_SYNC_BACKOFF_MS), attempts + 1);
      return;
    }
    if (this.hasUnsyncedWork()) this.schedule.set("sync", this.nextSyncAt());
    else this.schedule.cancel("sync");
  }

  private async armAlarm(): Promise<void> {
    const due = this.schedule.nextDue();
    if (due === null) return;
    // A timer already overdue (a crash, a long sync) fires now; the runtime refuses a time in the past.
    const next = Math.max(due, Date.now());
    this.alarmAt ??= await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= next) return;
    await this.ctx.storage.setAlarm(next);
    this.alarmAt = next;
  }

  private snapshotOf(state: RoomState): RoomSnapshot {
    return {
      status: state.status,
      agent: state.agent,
      queuePosition: state.queuePosition,
      endedBy: state.endedBy,
      feedback: state.feedback,
      read: state.read,
      lastSeq: this.store.lastSeq(),
      visitor: { online: this.openVisitorSockets() > 0, leftAt: state.visitorLeftAt },
    };
  }

  /**
   * The visitor's page is open again (or for the first time): agents hear it at once, and a chat
   * that was waiting for them to come back goes on.
   */
  private visitorArrived(): void {
    const state = this.store.state();
    const first = this.openVisitorSockets() === 1;
    if (state.visitorLeftAt !== null) this.store.save({ ...state, visitorLeftAt: null });
    this.schedule.cancel("visitor_left");
    if (first) this.tellAgentsOfVisitor();
  }

  /**
   * The visitor's last socket closed: closing the page ends the chat, but only once the channel's
   * grace period has passed without them, so a reload or the site's next page does not.
   */
  private visitorLeft(): void {
    const state = this.store.state();
    const now = Date.now();
    this.store.save({ ...state, visitorLeftAt: now });
    if (state.status !== "ended") this.schedule.set("visitor_left", now + this.identity().settings.leaveGraceSeconds * 1000);
    this.tellAgentsOfVisitor();
  }

  private tellAgentsOfVisitor(): void {
    const { visitor } = this.snapshotOf(this.store.state());
    for (const ws of this.ctx.getWebSockets("agent")) this.send(ws, { type: "presence", ...visitor });
  }

  /** The visitor's open sockets, leaving out one that is closing (it may still read as open). */
  private openVisitorSockets(closing?: WebSocket): number {
    return this.ctx.getWebSockets("visitor").filter((ws) => ws !== closing && ws.readyState === WebSocket.OPEN).length;
  }

  private broadcastStatus(): void {
    const { status, agent, queuePosition, endedBy } = this.store.state();
    this.broadcast({ type: "status", status, agent, queuePosition, endedBy });
  }

  private broadcast(frame: ServerFrame): void {
    for (const ws of this.ctx.getWebSockets()) this.send(ws, frame);
  }

  /** Who has the thread open, to every agent on it; `closing` is a socket on its way out. */
  private tellAgentsOfViewers(closing?: WebSocket): void {
    const agents = this.ctx.getWebSockets("agent");
    const frame = viewersFrame({ sockets: agents, principalOf: (ws) => this.principalOf(ws), closing });
    for (const ws of agents) if (ws !== closing) this.send(ws, frame);
  }

  private sendHistory(ws: WebSocket, since: number, notes: boolean): void {
    const messages = this.store.messagesAfter(since, HISTORY_PAGE_SIZE + 1, notes);
    const more = messages.length > HISTORY_PAGE_SIZE;
    this.send(ws, { type: "history", messages: more ? messages.slice(0, HISTORY_PAGE_SIZE) : messages, more });
  }

  /** The attachment is read and checked once per socket per wake-up, not once per frame. */
  private principalOf(ws: WebSocket): Principal {
    let principal = this.principals.get(ws);
    if (!principal) {
      principal = principalSchema.parse(ws.deserializeAttachment());
      this.principals.set(ws, principal);
    }
    return principal;
  }

  /** Open sockets of the same visitor (one per conversation) or the same agent. */
  private openSocketsOf(who: Principal): number {
    return this.ctx
      .getWebSockets(who.role)
      .filter((ws) => ws.readyState === WebSocket.OPEN && this.principalOf(ws).id === who.id).length;
  }

  /** A new file must fit the conversation's totals (count and bytes), whoever sends it. */
  private fileCapRefusal(file: Attachment): Refusal | null {
    const { count, bytes } = this.store.attachmentTotals();
    const cap = LIMITS.conversation;
    if (count >= cap.maxAttachments) return refuse("limit_reached", `a conversation holds at most ${cap.maxAttachments} files`);
    if (bytes + file.size > cap.maxAttachmentBytes) {
      return refuse("limit_reached", `a conversation holds at most ${cap.maxAttachmentBytes / 1024 / 1024} MB of files`);
    }
    return null;
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed meanwhile; its client resumes from its last seq on reconnect.
    }
  }

  private sendError(ws: WebSocket, code: ErrorCode, message: string, clientId?: string, retryAfterMs?: number): void {
    this.send(ws, {
      type: "error",
      code,
      message,
      ...(clientId ? { clientId } : {}),
      ...(retryAfterMs ? { retry_after_ms: retryAfterMs } : {}),
    });
  }
}

const authorOf = (p: Principal): Author => ({ type: p.role, id: p.id, name: p.name });
