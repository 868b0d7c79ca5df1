import { DurableObject } from "cloudflare:workers";
import type { PublicChannel } from "../protocol/channel";
import type { AgentRef } from "../protocol/frames";
import {
  agentRouting,
  enqueueItem,
  lobbyClientFrame,
  lobbySettings,
  type AgentLoad,
  type AgentRouting,
  type EnqueueItem,
  type LobbySettings,
} from "../protocol/lobby";
import { LIMITS, MAX_FRAME_BYTES } from "../protocol/limits";
import { describeZodError } from "../worker/http/errors";
import type { Env } from "../worker/env";
import { roomFor } from "../worker/rooms";
import { LOBBY_AGENT_HEADER, lobbyAgent, type LobbyAgent } from "./lobby-agent";
import { agentRepliedSince, emailTargetMissed } from "./lobby-alerts";
import { LobbyConsoles } from "./lobby-consoles";
import { LobbyOffers } from "./lobby-offers";
import { LobbyRouter } from "./lobby-router";
import { offeredTo } from "./lobby-routing";
import { LobbyStore, type QueueRow } from "./lobby-store";
import { businessDeadline, LobbyTargets, type DueTarget } from "./lobby-targets";
import { emitAvailabilityChanged } from "../worker/webhooks/agent-events";

const PUSH_TIMER = "push";
const MAX_PUSH_BACKOFF_MS = 5 * 60_000;
/** A target alert that could not go out (D1 or the room unreachable) is tried again after this. */
const ALERT_RETRY_MS = 30_000;

/** One agent as an admin sees them in this channel. */
export type AgentStatus = AgentLoad & { agentId: string; available: boolean; online: boolean };

/**
 * One per channel: the agents' console sockets (hibernating), their "Available for chat" switch,
 * and the conversations waiting for an agent, in the order they arrived, at most
 * `LIMITS.queuePerChannel` of them. The Worker holds a seat before it creates a chat and calls
 * `enqueue` with it; rooms call `enqueue`/`dequeue`; agents accept over their socket
 * (docs/lobby-protocol.md). With automatic routing it offers each waiting chat to one agent at a
 * time (LobbyRouter), and it keeps the channel's response-time targets (LobbyTargets); one alarm
 * drives the position pushes, the offers' expiry and the targets.
 */
export class ChannelLobby extends DurableObject<Env> {
  private readonly store: LobbyStore;
  private readonly consoles: LobbyConsoles;
  private readonly offers: LobbyOffers;
  private readonly targets: LobbyTargets;
  private readonly router: LobbyRouter;
  private pushRun: Promise<void> | null = null;
  private pushAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LobbyStore(ctx.storage.sql);
    this.offers = new LobbyOffers(ctx.storage.sql);
    this.targets = new LobbyTargets(ctx.storage.sql);
    this.consoles = new LobbyConsoles(ctx, this.store, this.offers, (id) => this.targets.dueAt(id, "wait"));
    this.router = new LobbyRouter(this.store, this.offers, this.consoles);
    // Answered by the runtime without waking a hibernating lobby.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /**
   * Holds a place in the queue for a chat about to be created, or returns null when the queue is
   * full: checked before anything of the chat exists, so a refusal leaves nothing half-made.
   */
  reserveSeat(): string | null {
    return this.store.reserve(LIMITS.queuePerChannel, Date.now());
  }

  /** Gives back a seat whose chat could not be created. */
  releaseSeat(seat: string): void {
    this.store.release(seat);
  }

  /**
   * Puts a conversation at the end of the queue, taking the place `seat` held; a second call for the
   * same conversation changes nothing. Without a seat (a room putting its own conversation back,
   * after a reopen) it is not held to the cap: that conversation already exists and was counted
   * when it started.
   */
  async enqueue(item: EnqueueItem, seat?: string): Promise<void> {
    const parsed = enqueueItem.parse(item);
    const now = Date.now();
    if (!this.store.enqueue(parsed, now, seat)) return;
    this.startWaitTarget(parsed.conversationId, now);
    this.consoles.announceQueued(parsed.conversationId);
    this.router.route(now);
    await this.pushPositions();
  }

  /** Takes a conversation out of the queue (it ended, or was handled elsewhere); idempotent. */
  async dequeue(conversationId: string): Promise<void> {
    const ended = this.endLive(conversationId);
    const position = this.store.positionOf(conversationId);
    if (position === null) {
      if (ended) this.router.route(Date.now());
      return this.armAlarm();
    }
    this.store.dequeue(conversationId);
    this.leaveQueue(conversationId, "withdrawn");
    this.consoles.announceDequeued(conversationId, position);
    this.router.route(Date.now());
    await this.pushPositions();
  }

  /**
   * The channel's settings, from the Worker: on every console connect (so a lobby with agents in
   * it always has them) and when an admin saves the channel. Offers stop at once when routing
   * turns manual; consoles get the whole state when the mode changes.
   */
  async configure(settings: LobbySettings): Promise<void> {
    const parsed = lobbySettings.parse(settings);
    const modeBefore = this.offers.settings().routing.mode;
    if (!this.offers.setSettings(parsed)) return;
    this.router.withdrawStale();
    this.router.route(Date.now());
    if (parsed.routing.mode !== modeBefore) for (const ws of this.consoles.openSockets()) this.consoles.sendState(ws);
    await this.armAlarm();
  }

  /** An admin set an agent's capacity or paused them: their offers and load follow at once. */
  async setAgentRouting(agentId: string, routing: AgentRouting): Promise<void> {
    if (!this.offers.setAgentRouting(agentId, agentRouting.parse(routing))) return;
    this.router.withdrawStale();
    this.router.route(Date.now());
    this.router.sendLoad(agentId);
    await this.armAlarm();
  }

  /** Every agent this lobby knows (a console open, a capacity set, a live chat), for the admins' view. */
  agentStatuses(): AgentStatus[] {
    const online = new Set(this.consoles.openSockets().map((ws) => this.consoles.agentOf(ws).agent.id));
    const available = this.consoles.availableAgents();
    const ids = new Set([...online, ...this.offers.knownAgents()]);
    return [...ids].map((agentId) => ({ agentId, online: online.has(agentId), available: available.has(agentId), ...this.offers.loadOf(agentId) }));
  }

  /**
   * Closes a revoked agent's sockets (deleted, password reset, signed out): every one of theirs, or
   * those of one session. Returns how many were closed.
   */
  revokeSockets(agentId: string, session?: string): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const who = this.consoles.agentOf(ws);
      if (who.agent.id !== agentId || (session !== undefined && who.session !== session)) continue;
      try {
        ws.close(4401, "signed out");
      } catch {
        // Already closed.
      }
      closed++;
    }
    if (closed > 0) this.consoles.announceAgents();
    return closed;
  }

  /** Agents with a console open who said they are available: zero means visitors are told nobody is there. */
  availableAgentCount(): number {
    return this.consoles.availableAgents().size;
  }

  /** Whether a visitor may start a live chat here now (opening hours aside): somebody is there, and the queue has room. */
  availability(): PublicChannel["availability"] {
    if (this.availableAgentCount() === 0) return { available: false, reason: "no_agents" };
    if (this.store.isFull(LIMITS.queuePerChannel, Date.now())) return { available: false, reason: "queue_full" };
    return { available: true, reason: null };
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const who = parseAgentHeader(request.headers.get(LOBBY_AGENT_HEADER));
    if (!who) return new Response("no agent", { status: 403 });

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const { routing, ...attachment } = who;
    server.serializeAttachment(attachment);
    if (routing) this.offers.setAgentRouting(who.agent.id, routing);
    this.consoles.announceAgents({ answer: server });
    this.router.route(Date.now());
    await this.armAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const consoles = this.consoles;
    if (typeof data !== "string") return consoles.sendError(ws, "bad_frame", "frames are JSON text, not binary");
    if (new TextEncoder().encode(data).byteLength > MAX_FRAME_BYTES) {
      return consoles.sendError(ws, "frame_too_large", `a frame is at most ${MAX_FRAME_BYTES} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return consoles.sendError(ws, "bad_frame", "the frame is not valid JSON");
    }
    const parsed = lobbyClientFrame.safeParse(json);
    if (!parsed.success) return consoles.sendError(ws, "bad_frame", describeZodError(parsed.error));
    const frame = parsed.data;
    switch (frame.type) {
      case "ping":
        return consoles.send(ws, { type: "pong" });
      case "resync":
        return consoles.sendState(ws);
      case "availability": {
        const agentId = consoles.agentOf(ws).agent.id;
        const switched = this.store.isAvailable(agentId) !== frame.available;
        this.store.setAvailable(agentId, frame.available);
        consoles.announceAgents({ answer: ws, switched });
        if (switched) await emitAvailabilityChanged(this.env, this.offers.settings().workspaceId, consoles.agentOf(ws), frame.available);
        return this.reroute();
      }
      case "accept":
        return this.accept(ws, frame.conversationId);
      case "decline":
        return this.decline(ws, frame.conversationId);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // The closing socket may already read as closed, so it is left out by name.
    this.consoles.announceAgents({ closing: ws });
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime.
    }
    // Their last tab closed: what was offered to them goes to someone who is there.
    await this.reroute();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, "socket error");
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.router.expire(now);
    this.router.route(now);
    const due = this.store.earliestDue();
    if (due !== null && due <= now) await this.pushPositions();
    await this.alertDueTargets(now);
    await this.armAlarm();
  }

  /** Offers of agents who left or paused are withdrawn, and what waits is offered again. */
  private async reroute(): Promise<void> {
    this.router.withdrawStale();
    this.router.route(Date.now());
    await this.armAlarm();
  }

  /** Passes on an offer: it goes to the next agent in turn at once. */
  private async decline(ws: WebSocket, conversationId: string): Promise<void> {
    const { agent } = this.consoles.agentOf(ws);
    if (this.offers.offerOf(conversationId)?.agentId !== agent.id) {
      return this.consoles.sendError(ws, "not_offered_now", "this chat is not offered to you now", conversationId);
    }
    this.router.endOffer(conversationId, "declined");
    this.router.route(Date.now());
    await this.armAlarm();
  }

  /** The chat left the queue (`reason` for the agent it was offered to): its offer and its waiting clock end. */
  private leaveQueue(conversationId: string, reason: "accepted" | "withdrawn"): void {
    this.router.endOffer(conversationId, reason);
    this.offers.forgetPasses(conversationId);
    this.targets.clear(conversationId, "wait");
  }

  /** The chat ended (or could not be taken): its agent's load goes down. True when it was live. */
  private endLive(conversationId: string): boolean {
    const agentId = this.offers.endLive(conversationId);
    this.targets.clear(conversationId, "first_response");
    if (agentId === null) return false;
    this.router.sendLoad(agentId);
    return true;
  }

  private startWaitTarget(conversationId: string, now: number): void {
    const { targets, openingHours } = this.offers.settings();
    if (targets.waitSeconds === null) return;
    const row = this.store.queued(conversationId);
    const startedAt = row?.enqueuedAt ?? now;
    const dueAt = businessDeadline(openingHours, startedAt, targets.waitSeconds * 1000);
    if (dueAt !== null) this.targets.set({ conversationId, kind: "wait", dueAt, startedAt, agentId: row?.assignedAgentId ?? null });
  }

  private startFirstResponseTarget(conversationId: string, agentId: string, now: number): void {
    const { targets, openingHours } = this.offers.settings();
    if (targets.firstResponseSeconds === null) return;
    const dueAt = businessDeadline(openingHours, now, targets.firstResponseSeconds * 1000);
    if (dueAt !== null) this.targets.set({ conversationId, kind: "first_response", dueAt, startedAt: now, agentId });
  }

  /**
   * Alerts, once, each chat past a target: a console frame to the agents concerned and an email
   * to the responsible agent and the channel's address. A first-response target is missed only if
   * the room shows no agent reply since the accept.
   */
  private async alertDueTargets(now: number): Promise<void> {
    const settings = this.offers.settings();
    for (const target of this.targets.due(now)) {
      try {
        const subject = await this.alertTarget(settings.workspaceId, target);
        if (subject !== null) await emailTargetMissed(this.env, settings, target, subject);
        this.targets.clear(target.conversationId, target.kind);
      } catch (err) {
        console.error("a target alert failed; trying again", target, err);
        this.targets.postpone(target.conversationId, target.kind, now + ALERT_RETRY_MS);
      }
    }
  }

  /** Tells the consoles concerned; the chat's subject, or null when nothing was missed after all. */
  private async alertTarget(workspaceId: string, target: DueTarget): Promise<string | null> {
    const { conversationId, kind } = target;
    if (kind === "wait") {
      const row = this.store.queued(conversationId);
      if (!row) return null;
      const offer = this.offers.offerOf(conversationId);
      if (offer) target.agentId = offer.agentId;
      for (const ws of this.consoles.openSockets()) {
        if (offeredTo(row, this.consoles.agentOf(ws).agent.id)) this.consoles.send(ws, { type: "overdue", conversationId, target: kind, subject: row.subject });
      }
      return row.subject;
    }
    if (target.agentId === null || this.offers.liveAgentOf(conversationId) !== target.agentId) return null;
    if (await agentRepliedSince(this.env, conversationId, target.startedAt)) return null;
    const row = await this.env.DB.prepare("SELECT subject FROM conversations WHERE workspace_id = ? AND id = ?")
      .bind(workspaceId, conversationId)
      .first<{ subject: string }>();
    const subject = row?.subject ?? "a chat";
    this.consoles.sendToAgent(target.agentId, { type: "overdue", conversationId, target: kind, subject });
    return subject;
  }

  /**
   * Exactly one agent wins: the check and the removal from the queue happen in one synchronous
   * step before the first await, so a second accept for the same conversation finds it gone.
   */
  private async accept(ws: WebSocket, conversationId: string): Promise<void> {
    const consoles = this.consoles;
    const { agent } = consoles.agentOf(ws);
    if (!this.store.isAvailable(agent.id)) {
      return consoles.sendError(ws, "not_available", "turn on Available for chat to accept chats", conversationId);
    }
    const row = this.store.queued(conversationId);
    const position = this.store.positionOf(conversationId);
    if (!row || position === null) {
      const winner = this.store.acceptedBy(conversationId);
      if (winner) return consoles.sendError(ws, "already_accepted", `${winner.name} accepted this chat first`, conversationId);
      return consoles.sendError(ws, "not_queued", "this conversation is not waiting in the queue", conversationId);
    }
    if (!offeredTo(row, agent.id)) {
      return consoles.sendError(ws, "not_offered", "this conversation is routed to another agent", conversationId);
    }
    const now = Date.now();
    this.store.take(conversationId, agent, now);
    this.offers.setLive(conversationId, agent.id);
    this.leaveQueue(conversationId, "accepted");
    this.startFirstResponseTarget(conversationId, agent.id, now);
    this.router.sendLoad(agent.id);
    consoles.announceDequeued(conversationId, position);
    const pushing = this.pushPositions();

    const accepted = await this.handToRoom(row, agent);
    if (accepted === "failed") {
      consoles.sendError(ws, "accept_failed", "the conversation could not be reached; it is still in the queue", conversationId);
    } else if (accepted === "ended") {
      this.store.forgetAccept(conversationId);
      this.endLive(conversationId);
      consoles.sendError(ws, "conversation_ended", "the visitor ended this conversation", conversationId);
    } else {
      consoles.broadcast({ type: "accepted", conversationId, agent });
    }
    this.router.route(Date.now());
    await pushing;
    await this.armAlarm();
    if (accepted === "failed") return this.pushPositions();
    // After the queue's own pushes, so a late position can never land after this null.
    await roomFor(this.env, conversationId)
      .setQueuePosition(null)
      .catch((err: unknown) => console.error("clearing the queue position failed", conversationId, err));
  }

  private async handToRoom(row: QueueRow, agent: AgentRef): Promise<"accepted" | "ended" | "failed"> {
    try {
      return (await roomFor(this.env, row.conversationId).accept(agent)) ? "accepted" : "ended";
    } catch (err) {
      console.error("accept failed in the room", row.conversationId, err);
      this.store.restore(row);
      this.endLive(row.conversationId);
      this.startWaitTarget(row.conversationId, Date.now());
      this.consoles.announceQueued(row.conversationId);
      return "failed";
    }
  }

  /**
   * Tells each waiting conversation's room its new place, for those whose place changed. One run at
   * a time, so the positions a room receives arrive in order; a failure is retried by the alarm.
   */
  private pushPositions(): Promise<void> {
    if (this.pushRun) {
      this.pushAgain = true;
      return this.pushRun;
    }
    this.pushRun = (async () => {
      try {
        do {
          this.pushAgain = false;
          await this.pushChangedPositions();
        } while (this.pushAgain);
      } finally {
        this.pushRun = null;
      }
    })();
    return this.pushRun;
  }

  private async pushChangedPositions(): Promise<void> {
    const changed = this.store.queue().flatMap((row, index) =>
      row.pushedPosition === index + 1 ? [] : [{ conversationId: row.conversationId, position: index + 1 }],
    );
    const results = await Promise.allSettled(
      changed.map(async ({ conversationId, position }) => {
        await roomFor(this.env, conversationId).setQueuePosition(position);
        this.store.markPushed(conversationId, position);
      }),
    );
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length === 0) {
      this.store.unschedule(PUSH_TIMER);
    } else {
      console.error("pushing queue positions failed", failed.map((r) => (r as PromiseRejectedResult).reason));
      const attempts = (this.store.timer(PUSH_TIMER)?.attempts ?? 0) + 1;
      this.store.schedule(PUSH_TIMER, Date.now() + Math.min(1000 * 2 ** attempts, MAX_PUSH_BACKOFF_MS), attempts);
    }
    await this.armAlarm();
  }

  private async armAlarm(): Promise<void> {
    const dues = [this.store.earliestDue(), this.offers.earliestExpiry(), this.targets.earliestDue()].filter((d): d is number => d !== null);
    const due = dues.length === 0 ? null : Math.min(...dues);
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due);
  }
}

function parseAgentHeader(header: string | null): LobbyAgent | null {
  try {
    const parsed = lobbyAgent.safeParse(JSON.parse(header ?? "null"));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
