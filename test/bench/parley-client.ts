import type { StartConversationResponse } from "../../protocol/api.ts";
import type { ReadyFrame } from "./frames.ts";
import { openSocket, waitFor, type Socket } from "./ws-client.ts";

/** The demo workspace that scripts/seed-local.mjs creates. */
export const DEMO = {
  email: "demo@parley.test",
  password: "parley-demo",
  channelKey: "demo",
  channelId: "ch_demo",
  apiKey: "demo-api-key",
} as const;

const CONSOLE_POLL_MS = 10_000;

let addresses = 0;
/**
 * A new client address for every visitor: wrangler dev passes `cf-connecting-ip` through, and
 * the start limit (6 conversations per 12 hours) counts per address.
 */
function nextAddress(): string {
  const n = ++addresses;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export const wsUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/^http/, "ws")}${path}`;

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `fn` over `items` with at most `limit` calls at a time; results keep the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The demo agent, signed in, with "Available for chat" on in the demo channel's lobby. */
export class Agent {
  readonly baseUrl: string;
  readonly cookie: string;
  private lobby: Socket;
  private closing = false;
  private readonly presence: NodeJS.Timeout;

  private constructor(baseUrl: string, cookie: string, lobby: Socket) {
    this.baseUrl = baseUrl;
    this.cookie = cookie;
    this.lobby = lobby;
    // The console polls its notifications every 10 s, which is how the server knows the agent is
    // at the console and does not email each new message to them.
    const poll = () => void fetch(`${baseUrl}/api/console/notifications`, { headers: { cookie } }).then((r) => r.arrayBuffer(), () => {});
    poll();
    this.presence = setInterval(poll, CONSOLE_POLL_MS);
    this.presence.unref();
  }

  static async signIn(baseUrl: string): Promise<Agent> {
    const response = await fetch(`${baseUrl}/api/console/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": nextAddress() },
      body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
    });
    await json(response, "sign-in");
    const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const agent: Agent = new Agent(baseUrl, cookie, await Agent.openLobby(baseUrl, cookie, (code) => agent.lobbyClosed(code)));
    return agent;
  }

  private static async openLobby(baseUrl: string, cookie: string, onClose: (code: number) => void): Promise<Socket> {
    const lobby = await openSocket(wsUrl(baseUrl, `/api/console/channels/${DEMO.channelId}/lobby`), { cookie }, onClose);
    lobby.send({ type: "availability", available: true });
    await waitFor(lobby, (f) => (f.type === "lobby" && f.available ? true : undefined));
    return lobby;
  }

  /** A console whose lobby socket drops opens it again; the bench says so, as it should not happen. */
  private lobbyClosed(code: number): void {
    if (this.closing) return;
    process.stderr.write(`[bench] the agent's lobby socket closed (code ${code}); reopening it\n`);
    Agent.openLobby(this.baseUrl, this.cookie, (c) => this.lobbyClosed(c)).then(
      (lobby) => (this.lobby = lobby),
      (error: Error) => process.stderr.write(`[bench] could not reopen the lobby: ${error.message}\n`),
    );
  }

  /** Takes a queued conversation; resolves once the lobby says it is ours. */
  async accept(conversationId: string): Promise<void> {
    const outcome = waitFor(this.lobby, (f) => {
      if (f.type === "accepted" && f.conversationId === conversationId) return "ok";
      if (f.type === "error" && "conversationId" in f && f.conversationId === conversationId) return `${f.code}: ${f.message}`;
      return undefined;
    });
    this.lobby.send({ type: "accept", conversationId });
    const result = await outcome;
    if (result !== "ok") throw new Error(`accept ${conversationId}: ${result}`);
  }

  /** Opens this agent's socket on a conversation and waits for its `ready`. */
  async connect(conversationId: string): Promise<{ socket: Socket; ready: ReadyFrame; readyMs: number }> {
    return connectRoom(this.socketUrl(conversationId), { cookie: this.cookie });
  }

  socketUrl(conversationId: string): string {
    return wsUrl(this.baseUrl, `/api/console/conversations/${conversationId}/socket`);
  }

  close(): void {
    this.closing = true;
    clearInterval(this.presence);
    this.lobby.close();
  }
}

export type StartedConversation = { id: string; token: string; startMs: number };

/** A visitor starts a chat from the widget, as a new client address; the agent accepts it. */
export async function startConversation(agent: Agent, tag: string): Promise<StartedConversation> {
  const started = performance.now();
  const response = await fetch(`${agent.baseUrl}/api/widget/channels/${DEMO.channelKey}/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextAddress() },
    body: JSON.stringify({
      name: `Visitor ${tag}`,
      email: `visitor-${tag}@example.com`,
      message: { clientId: `start-${tag}`, body: `Hello, this is visitor ${tag}` },
    }),
  });
  const { conversation, token } = await json<StartConversationResponse>(response, "start conversation");
  await agent.accept(conversation.id);
  return { id: conversation.id, token, startMs: performance.now() - started };
}

export const visitorSocketUrl = (baseUrl: string, conversation: { id: string; token: string }) =>
  wsUrl(baseUrl, `/api/widget/conversations/${conversation.id}/socket?token=${encodeURIComponent(conversation.token)}`);

export function connectVisitor(baseUrl: string, conversation: { id: string; token: string }) {
  return connectRoom(visitorSocketUrl(baseUrl, conversation), {});
}

async function connectRoom(url: string, headers: Record<string, string>) {
  const started = performance.now();
  const socket = await openSocket(url, headers);
  const ready = await waitFor(socket, (f) => (f.type === "ready" ? f : undefined));
  return { socket, ready, readyMs: performance.now() - started };
}
