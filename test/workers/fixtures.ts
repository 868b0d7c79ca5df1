import { env, exports } from "cloudflare:workers";
import { sha256Hex } from "../../worker/auth/encoding";
import { hashPassword } from "../../worker/auth/password";
import { newId } from "../../worker/db/ids";
import type { StartConversationResponse } from "../../protocol/api";
import type { ServerFrame } from "../../protocol/frames";
import type { LobbyServerFrame } from "../../protocol/lobby";

export const BASE = "https://parley.test";
const PASSWORD = "correct horse battery";

let passwordHash: Promise<string> | null = null;

export type Workspace = {
  workspaceId: string;
  channelId: string;
  channelKey: string;
  agentEmail: string;
  apiKey: string;
};

/** A fresh workspace per test, so tests never see each other's rows. */
export async function createWorkspace(
  options: { allowedOrigins?: string[]; config?: Record<string, unknown>; identitySecret?: string } = {},
): Promise<Workspace> {
  const workspaceId = newId("ws");
  const channelId = newId("ch");
  const suffix = workspaceId.slice(3, 13);
  const channelKey = `ch-${suffix}`;
  const agentEmail = `agent-${suffix}@example.com`;
  const apiKey = `key-${suffix}-${crypto.randomUUID()}`;
  passwordHash ??= hashPassword(PASSWORD);
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)").bind(workspaceId, `WS ${suffix}`, now),
    env.DB.prepare(
      "INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, identity_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      workspaceId,
      channelId,
      channelKey,
      "Support",
      JSON.stringify(options.allowedOrigins ?? ["*"]),
      JSON.stringify(options.config ?? {}),
      options.identitySecret ?? null,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, 'admin', ?, ?)",
    ).bind(workspaceId, newId("ag"), agentEmail, `Agent ${suffix}`, await passwordHash, now),
    env.DB.prepare("INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at) VALUES (?, ?, ?, 'test', ?)").bind(
      await sha256Hex(apiKey),
      workspaceId,
      newId("key"),
      now,
    ),
  ]);
  return { workspaceId, channelId, channelKey, agentEmail, apiKey };
}

const online = new Map<string, Promise<TestSocket<LobbyServerFrame>>>();

/**
 * Signs the workspace's agent in and switches "Available for chat" on, as a live chat can only
 * start while an agent is available. Kept open for the rest of the test file.
 */
export function agentOnline(ws: Workspace): Promise<TestSocket<LobbyServerFrame>> {
  let socket = online.get(ws.workspaceId);
  if (!socket) {
    socket = (async () => {
      const lobby = await TestSocket.open<LobbyServerFrame>(
        `/api/console/channels/${ws.channelId}/lobby`,
        { cookie: await signIn(ws) },
        "lobby",
      );
      lobby.send({ type: "availability", available: true });
      await lobby.next((f) => f.type === "lobby" && f.available);
      return lobby;
    })();
    online.set(ws.workspaceId, socket);
  }
  return socket;
}

let ipCounter = 0;
/** Each call looks like a different visitor on a different /24, so the start limits stay out of the way. */
export function freshIp(): string {
  ipCounter++;
  return `10.${Math.floor(ipCounter / 250) % 250}.${ipCounter % 250}.9`;
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": freshIp(), ...headers },
    body: JSON.stringify(body),
  });
}

export async function startConversation(ws: Workspace, body = "I cannot log in to the portal") {
  await agentOnline(ws);
  const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, {
    name: "Vera Visitor",
    email: "vera@example.com",
    message: { clientId: crypto.randomUUID(), body },
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as StartConversationResponse;
}

export async function signIn(ws: Workspace): Promise<string> {
  const res = await postJson("/api/console/session", { email: ws.agentEmail, password: PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0]!;
}

/** A test client for a WebSocket protocol (rooms by default) that collects every frame it receives. */
export class TestSocket<F extends { type: string } = ServerFrame> {
  readonly frames: F[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(e.data as string) as F);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens a socket and waits for its greeting: `ready` from a room, `lobby` from a lobby. */
  static async open<F extends { type: string } = ServerFrame>(
    path: string,
    headers: Record<string, string> = {},
    greeting = "ready",
  ): Promise<TestSocket<F>> {
    const res = await call(path, { headers: { upgrade: "websocket", ...headers } });
    if (!res.webSocket) throw new Error(`no socket: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    const socket = new TestSocket<F>(res.webSocket);
    await socket.next((f) => f.type === greeting);
    return socket;
  }

  static visitor(conversationId: string, token: string): Promise<TestSocket> {
    return TestSocket.open(`/api/widget/conversations/${conversationId}/socket?token=${encodeURIComponent(token)}`);
  }

  static agent(conversationId: string, cookie: string): Promise<TestSocket> {
    return TestSocket.open(`/api/console/conversations/${conversationId}/socket`, { cookie });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame, from the start of the stream, that matches; never consumes frames. */
  async next<T extends F["type"]>(match: (f: F) => boolean, timeoutMs = 3000): Promise<Extract<F, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found as Extract<F, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames so far: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  ofType<T extends F["type"]>(type: T): Extract<F, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<F, { type: T }>[];
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}
