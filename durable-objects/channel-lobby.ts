import { DurableObject } from "cloudflare:workers";
import type { AgentRef } from "../protocol/frames";
import {
  enqueueItem,
  lobbyClientFrame,
  type EnqueueItem,
  type LobbyErrorCode,
  type LobbyServerFrame,
} from "../protocol/lobby";
import { MAX_FRAME_BYTES } from "../protocol/limits";
import { describeZodError } from "../worker/http/errors";
import type { Env } from "../worker/env";
import { roomFor } from "../worker/rooms";
import { LOBBY_AGENT_HEADER, lobbyAgent, type LobbyAgent } from "./lobby-agent";
import { offeredTo, queueFor } from "./lobby-routing";
import { LobbyStore, type QueueRow } from "./lobby-store";

const PUSH_TIMER = "push";
const MAX_PUSH_BACKOFF_MS = 5 * 60_000;

/**
 * One per channel: the agents' console sockets (hibernating), their "Available for chat" switch,
 * and the conversations waiting for an agent, in the order they arrived. Rooms and the Worker call
 * `enqueue`/`dequeue`; agents accept over their socket (docs/lobby-protocol.md).
 */
export class ChannelLobby extends DurableObject<Env> {
  private readonly store: LobbyStore;
  private pushRun: Promise<void> | null = null;
  private pushAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LobbyStore(ctx.storage.sql);
    // Answered by the runtime without waking a hibernating lobby.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Puts a conversation at the end of the queue; a second call for the same conversation changes nothing. */
  async enqueue(item: EnqueueItem): Promise<void> {
    if (!this.store.enqueue(enqueueItem.parse(item), Date.now())) return;
    this.broadcastState();
    await this.pushPositions();
  }

  /** Takes a conversation out of the queue (it ended, or was handled elsewhere); idempotent. */
  async dequeue(conversationId: string): Promise<void> {
    if (!this.store.dequeue(conversationId)) return;
    this.broadcastState();
    await this.pushPositions();
  }

  /**
   * Closes a revoked agent's sockets (deleted, password reset, signed out): every one of theirs, or
   * those of one session. Returns how many were closed.
   */
  revokeSockets(agentId: string, session?: string): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const who = this.agentOf(ws);
      if (who.agent.id !== agentId || (session !== undefined && who.session !== session)) continue;
      try {
        ws.close(4401, "signed out");
      } catch {
        // Already closed.
      }
      closed++;
    }
    if (closed > 0) this.broadcastState();
    return closed;
  }

  /** Agents with a console open who said they are available: zero means visitors are told nobody is there. */
  availableAgentCount(): number {
    return this.availableAgents().size;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const who = parseAgentHeader(request.headers.get(LOBBY_AGENT_HEADER));
    if (!who) return new Response("no agent", { status: 403 });

    const before = this.availableAgents().size;
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(who);
    if (this.availableAgents().size !== before) this.broadcastState();
    else this.sendState(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (typeof data !== "string") return this.sendError(ws, "bad_frame", "frames are JSON text, not binary");
    if (new TextEncoder().encode(data).byteLength > MAX_FRAME_BYTES) {
      return this.sendError(ws, "frame_too_large", `a frame is at most ${MAX_FRAME_BYTES} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.sendError(ws, "bad_frame", "the frame is not valid JSON");
    }
    const parsed = lobbyClientFrame.safeParse(json);
    if (!parsed.success) return this.sendError(ws, "bad_frame", describeZodError(parsed.error));
    const frame = parsed.data;
    switch (frame.type) {
      case "ping":
        return this.send(ws, { type: "pong" });
      case "availability":
        this.store.setAvailable(this.agentOf(ws).agent.id, frame.available);
        return this.broadcastState();
      case "accept":
        return this.accept(ws, frame.conversationId);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // The closing socket may already read as closed, so ask whether it was its agent's last one.
    const { agent } = this.agentOf(ws);
    const lastOfAgent = !this.openSockets(ws).some((other) => this.agentOf(other).agent.id === agent.id);
    if (lastOfAgent && this.store.isAvailable(agent.id)) this.broadcastState(ws);
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
    const { agent } = this.agentOf(ws);
    if (!this.store.isAvailable(agent.id)) {
      return this.sendError(ws, "not_available", "turn on Available for chat to accept chats", conversationId);
    }
    const row = this.store.queued(conversationId);
    if (!row) {
      const winner = this.store.acceptedBy(conversationId);
      if (winner) return this.sendError(ws, "already_accepted", `${winner.name} accepted this chat first`, conversationId);
      return this.sendError(ws, "not_queued", "this conversation is not waiting in the queue", conversationId);
    }
    if (!offeredTo(row, agent.id)) {
      return this.sendError(ws, "not_offered", "this conversation is routed to another agent", conversationId);
    }
    this.store.take(conversationId, agent, Date.now());
    this.broadcastState();
    const pushing = this.pushPositions();

    const accepted = await this.handToRoom(row, agent);
    if (accepted === "failed") {
      this.sendError(ws, "accept_failed", "the conversation could not be reached; it is still in the queue", conversationId);
    } else if (accepted === "ended") {
      this.store.forgetAccept(conversationId);
      this.sendError(ws, "conversation_ended", "the visitor ended this conversation", conversationId);
    } else {
      this.broadcast({ type: "accepted", conversationId, agent });
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
      this.broadcastState();
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

  /** Agents who count as available: the switch is on and at least one of their console sockets is open. */
  private availableAgents(closing?: WebSocket): Set<string> {
    const ids = new Set<string>();
    for (const ws of this.openSockets(closing)) {
      const id = this.agentOf(ws).agent.id;
      if (!ids.has(id) && this.store.isAvailable(id)) ids.add(id);
    }
    return ids;
  }

  private openSockets(closing?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
  }

  private broadcastState(closing?: WebSocket): void {
    const queue = this.store.queue();
    const available = this.availableAgents(closing);
    for (const ws of this.openSockets(closing)) this.sendState(ws, queue, available);
  }

  private sendState(ws: WebSocket, queue = this.store.queue(), available = this.availableAgents()): void {
    const { channelId, agent } = this.agentOf(ws);
    this.send(ws, {
      type: "lobby",
      channelId,
      available: this.store.isAvailable(agent.id),
      agentsAvailable: available.size,
      queue: available.has(agent.id) ? queueFor(queue, agent.id) : [],
    });
  }

  private broadcast(frame: LobbyServerFrame): void {
    for (const ws of this.openSockets()) this.send(ws, frame);
  }

  private agentOf(ws: WebSocket): LobbyAgent {
    return lobbyAgent.parse(ws.deserializeAttachment());
  }

  private send(ws: WebSocket, frame: LobbyServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; its close handler tidies up.
    }
  }

  private sendError(ws: WebSocket, code: LobbyErrorCode, message: string, conversationId?: string): void {
    this.send(ws, conversationId === undefined ? { type: "error", code, message } : { type: "error", code, message, conversationId });
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
