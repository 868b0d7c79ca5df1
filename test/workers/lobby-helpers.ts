import { env } from "cloudflare:workers";
import { hashPassword } from "../../worker/auth/password";
import { newId } from "../../worker/db/ids";
import type { Agent } from "../../protocol/api";
import type { EnqueueItem, LobbyServerFrame, LobbyStateFrame } from "../../protocol/lobby";
import { applyLobbyDelta, applyOwnFrame } from "../../protocol/lobby-state";
import { postJson, TestSocket, type Workspace } from "./fixtures";

const PASSWORD = "lobby test password";
let passwordHash: Promise<string> | null = null;

export type LobbySocket = TestSocket<LobbyServerFrame>;

/** Another agent in the workspace, signed in; returns their session cookie and identity. */
export async function addAgent(ws: Workspace, name: string): Promise<{ cookie: string; agent: Agent }> {
  const id = newId("ag");
  const email = `${id}@example.com`;
  passwordHash ??= hashPassword(PASSWORD);
  await env.DB.prepare(
    "INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, 'agent', ?, ?)",
  )
    .bind(ws.workspaceId, id, email, name, await passwordHash, Date.now())
    .run();
  const res = await postJson("/api/console/session", { email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  const { agent } = (await res.json()) as { agent: Agent };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, agent };
}

export function openLobby(channelId: string, cookie: string): Promise<LobbySocket> {
  return TestSocket.open<LobbyServerFrame>(`/api/console/channels/${channelId}/lobby`, { cookie }, "lobby");
}

export function lobbyOf(channelId: string) {
  return env.LOBBY.get(env.LOBBY.idFromName(channelId));
}

/**
 * The state as a console holds it after the first `upTo` frames: the last whole state, with every
 * change after it applied in order. A change that is not the next version fails the test: on one
 * socket the lobby never skips one.
 */
export function viewOf(socket: LobbySocket, upTo = socket.frames.length): LobbyStateFrame | null {
  let view: LobbyStateFrame | null = null;
  for (const frame of socket.frames.slice(0, upTo)) {
    if (frame.type === "lobby") view = frame;
    else if (view && (frame.type === "queued" || frame.type === "dequeued" || frame.type === "availability")) {
      const next = applyLobbyDelta(view, frame);
      if (!next) throw new Error(`version ${frame.version} after ${view.version}: ${JSON.stringify(socket.frames)}`);
      view = next;
    } else if (view && (frame.type === "offer" || frame.type === "offer_ended" || frame.type === "load")) {
      view = applyOwnFrame(view, frame);
    }
  }
  return view;
}

/** Waits until the state, as of some frame received after the first `from`, matches; returns it. */
export async function stateAfter(socket: LobbySocket, from: number, match: (f: LobbyStateFrame) => boolean = () => true) {
  let found: LobbyStateFrame | null = null;
  await socket.next((f) => {
    const at = socket.frames.indexOf(f);
    if (at < from || f.type === "pong" || f.type === "error" || f.type === "accepted") return false;
    const view = viewOf(socket, at + 1);
    if (!view || !match(view)) return false;
    found = view;
    return true;
  });
  return found!;
}

/** Waits for an error frame received after the first `from` frames. */
export function errorAfter(socket: LobbySocket, from: number) {
  return socket.next<"error">((f) => f.type === "error" && socket.frames.indexOf(f) >= from);
}

/** The newest state: anything the lobby sent before answering a ping has arrived by its pong. */
export async function latestState(socket: LobbySocket): Promise<LobbyStateFrame> {
  const from = socket.frames.length;
  socket.send({ type: "ping" });
  const pong = await socket.next((f) => f.type === "pong" && socket.frames.indexOf(f) >= from);
  return viewOf(socket, socket.frames.indexOf(pong))!;
}

/** Switches "Available for chat" and waits until the lobby confirms it. */
export async function setAvailable(socket: LobbySocket, available: boolean): Promise<LobbyStateFrame> {
  const from = socket.frames.length;
  socket.send({ type: "availability", available });
  return stateAfter(socket, from, (f) => f.available === available);
}

export function item(conversationId: string, extra: Partial<EnqueueItem> = {}): EnqueueItem {
  return { conversationId, subject: `About ${conversationId}`, contactName: "Vera Visitor", topic: null, ...extra };
}

/** Socket closes reach the lobby asynchronously; waits until its count of available agents settles. */
export async function availableCountBecomes(channelId: string, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await lobbyOf(channelId).availableAgentCount()) === count) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`available agents never became ${count}`);
}
