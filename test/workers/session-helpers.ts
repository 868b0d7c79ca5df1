import { env } from "cloudflare:workers";
import { sha256Hex } from "../../worker/auth/encoding";
import { BASE, call, freshIp, postJson, TestSocket } from "./fixtures";
import type { LobbyServerFrame } from "../../protocol/lobby";

/** A sign-in attempt from its own address, unless `ip` says otherwise. */
export function attempt(email: string, password: string, ip = freshIp()): Promise<Response> {
  return postJson("/api/console/session", { email, password }, { "cf-connecting-ip": ip, origin: BASE });
}

export const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

export const tokenHashOf = (cookie: string) => sha256Hex(cookie.slice(cookie.indexOf("=") + 1));

export async function sessionCount(agentId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE agent_id = ?").bind(agentId).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function agentIdByEmail(email: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM agents WHERE email = ?").bind(email).first<{ id: string }>();
  return row!.id;
}

export const meStatus = async (cookie: string) => (await call("/api/console/me", { headers: { cookie } })).status;

/** Polls until `probe` holds; the error names what never happened. */
export async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A socket, with the code it was closed with once the server closes it. */
export type Watched<F extends { type: string }> = { socket: TestSocket<F>; closed: Promise<number> };

function watch<F extends { type: string }>(socket: TestSocket<F>): Watched<F> {
  const closed = new Promise<number>((resolve) => socket.ws.addEventListener("close", (e) => resolve(e.code)));
  return { socket, closed };
}

export async function roomSocket(conversationId: string, cookie: string): Promise<Watched<{ type: string }>> {
  return watch(await TestSocket.agent(conversationId, cookie));
}

export async function lobbySocket(channelId: string, cookie: string): Promise<Watched<LobbyServerFrame>> {
  return watch(await TestSocket.open<LobbyServerFrame>(`/api/console/channels/${channelId}/lobby`, { cookie }, "lobby"));
}

/** The close code within `ms`, or "open" if the socket is still up then. */
export function closedWithin(w: Watched<{ type: string }>, ms = 3000): Promise<number | "open"> {
  return Promise.race([w.closed, new Promise<"open">((r) => setTimeout(() => r("open"), ms))]);
}

/** The socket still works: it answers a ping. */
export async function stillAnswers(w: Watched<{ type: string }>): Promise<boolean> {
  const before = w.socket.ofType("pong").length;
  w.socket.send({ type: "ping" });
  await w.socket.next((f) => f.type === "pong" && w.socket.ofType("pong").length > before);
  return true;
}
