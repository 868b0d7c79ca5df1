import { DurableObject } from "cloudflare:workers";
import type { PublicChannel } from "../protocol/channel";
import type { AgentRef } from "../protocol/frames";
import { enqueueItem, lobbyClientFrame, type EnqueueItem } from "../protocol/lobby";
import { LIMITS, MAX_FRAME_BYTES } from "../protocol/limits";
import { describeZodError } from "../worker/http/errors";
import type { Env } from "../worker/env";
import { roomFor } from "../worker/rooms";
import { LOBBY_AGENT_HEADER, lobbyAgent, type LobbyAgent } from "./lobby-agent";
import { LobbyConsoles } from "./lobby-consoles";
import { offeredTo } from "./lobby-routing";
import { LobbyStore, type QueueRow } from "./lobby-store";

const PUSH_TIMER = "push";
const MAX_PUSH_BACKOFF_MS = 5 * 60_000;

/**
 * One per channel: the agents' console sockets (hibernating), their "Available for chat" switch,
 * and the conversations waiting for an agent, in the order they arrived, at most
 * `LIMITS.queuePerChannel` of them. The Worker holds a seat before it creates a chat and calls
 * `enqueue` with it; rooms call `enqueue`/`dequeue`; agents accept over their socket
 * (docs/lobby-protocol.md).
 */
export class ChannelLobby extends DurableObject<Env> {
  private readonly store: LobbyStore;
  private readonly consoles: LobbyConsoles;
  private pushRun: Promise<void> | null = null;
  private pushAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LobbyStore(ctx.storage.sql);
    this.consoles = new LobbyConsoles(ctx, this.store);
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
    if (!this.store.enqueue(parsed, Date.now(), seat)) return;
    this.consoles.announceQueued(parsed.conversationId);
    await this.pushPositions();
  }

  /** Takes a conversation out of the queue (it ended, or was handled elsewhere); idempotent. */
  async dequeue(conversationId: string): Promise<void> {
    const position = this.store.positionOf(conversationId);
    if (position === null) return;
    this.store.dequeue(conversationId);
    this.consoles.announceDequeued(conversationId, position);
    await this.pushPositions();
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
    server.serializeAttachment(who);
    this.consoles.announceAgents({ answer: server });
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
        return consoles.announceAgents({ answer: ws, switched });
      }
      case "accept":
        return this.accept(ws, frame.conversationId);
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
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, "socket error");
  }

  override async alarm(): Promise<void> {
    const due = this.store.earliestDue();
    if (due !== null && due <= Date.now()) await this.pushPositions();
    await this.armAlarm();
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
    this.store.take(conversationId, agent, Date.now());
    consoles.announceDequeued(conversationId, position);
    const pushing = this.pushPositions();

    const accepted = await this.handToRoom(row, agent);
    if (accepted === "failed") {
      consoles.sendError(ws, "accept_failed", "the conversation could not be reached; it is still in the queue", conversationId);
    } else if (accepted === "ended") {
      this.store.forgetAccept(conversationId);
      consoles.sendError(ws, "conversation_ended", "the visitor ended this conversation", conversationId);
    } else {
      consoles.broadcast({ type: "accepted", conversationId, agent });
    }
    await pushing;
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
    const due = this.store.earliestDue();
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
