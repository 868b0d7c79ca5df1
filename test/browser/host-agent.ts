// The other side of the widget tests: an agent of the demo workspace, driven from Node through the
// console's own API and sockets (the lobby for "Available for chat" and "Accept", the room for
// replies, typing, read marks and ending). The console UI has its own tests; these drive the
// protocol so each widget step can be checked on its own.
import type { ClientFrame, ServerFrame } from '../../protocol/frames';
import type { LobbyClientFrame, LobbyServerFrame, QueueEntry } from '../../protocol/lobby';

export const DEMO_AGENT = { email: 'demo@parley.test', password: 'parley-demo', name: 'Dana Demo' };
export const DEMO_IDENTITY_SECRET = 'parley-demo-identity-secret';
const WAIT_MS = 15_000;

/** A WebSocket whose frames are kept, so a test can wait for the one it expects. */
class FrameSocket<In extends { type: string }, Out> {
  readonly frames: In[] = [];
  private closedWith: string | null = null;
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.frames.push(JSON.parse(String(e.data)) as In);
      for (const wake of this.waiters) wake();
    });
    ws.addEventListener('close', (e) => (this.closedWith = `closed ${e.code} ${e.reason}`));
  }

  static open<In extends { type: string }, Out>(url: string, headers: Record<string, string>): Promise<FrameSocket<In, Out>> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers } as unknown as string[]);
      const socket = new FrameSocket<In, Out>(ws);
      ws.addEventListener('open', () => resolve(socket), { once: true });
      ws.addEventListener('error', () => reject(new Error(`could not open ${url}`)), { once: true });
    });
  }

  send(frame: Out): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits for a frame (received from now on, or already) that matches. */
  waitFor<T extends In>(match: (frame: In) => frame is T, what: string, timeout?: number): Promise<T>;
  waitFor(match: (frame: In) => boolean, what: string, timeout?: number): Promise<In>;
  waitFor(match: (frame: In) => boolean, what: string, timeout = WAIT_MS): Promise<In> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what} (socket ${this.closedWith ?? 'open'}); frames: ${JSON.stringify(this.frames.slice(-8))}`));
      }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) this.waiters.add(wake);
    });
  }

  close(): void {
    this.ws.close();
  }
}

export type RoomSocket = FrameSocket<ServerFrame, ClientFrame>;
export type LobbySocket = FrameSocket<LobbyServerFrame, LobbyClientFrame>;

export class AgentDriver {
  private readonly sockets: { close(): void }[] = [];

  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  static async signIn(baseUrl: string, who = DEMO_AGENT): Promise<AgentDriver> {
    const res = await fetch(`${baseUrl}/api/console/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: baseUrl },
      body: JSON.stringify({ email: who.email, password: who.password }),
    });
    if (!res.ok) throw new Error(`agent sign-in failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return new AgentDriver(baseUrl, cookie);
  }

  /** A console API call as this agent. */
  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Cookie: this.cookie, Origin: this.baseUrl, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private socketUrl(path: string): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}${path}`;
  }

  private headers(): Record<string, string> {
    return { Cookie: this.cookie, Origin: this.baseUrl };
  }

  async channelId(key: string): Promise<string> {
    const { channels } = await this.api<{ channels: { id: string; key: string }[] }>('GET', '/api/console/channels');
    const channel = channels.find((c) => c.key === key);
    if (!channel) throw new Error(`no channel ${key}`);
    return channel.id;
  }

  /** Opens the channel's lobby with "Available for chat" on; it stays on while the socket is open. */
  async beAvailable(channelKey: string): Promise<LobbySocket> {
    const id = await this.channelId(channelKey);
    const lobby = await FrameSocket.open<LobbyServerFrame, LobbyClientFrame>(
      this.socketUrl(`/api/console/channels/${encodeURIComponent(id)}/lobby`),
      this.headers(),
    );
    this.sockets.push(lobby);
    lobby.send({ type: 'availability', available: true });
    await lobby.waitFor((f) => f.type === 'lobby' && f.available, 'the lobby to say available');
    return lobby;
  }

  /** Waits until a conversation of the visitor named `contactName` (and matching `also`) waits in the queue. */
  async waitInQueue(lobby: LobbySocket, contactName: string, also: (entry: QueueEntry) => boolean = () => true): Promise<QueueEntry> {
    const match = (q: QueueEntry | null): q is QueueEntry => q !== null && q.contactName === contactName && also(q);
    // The lobby sends its whole state on connect, then each new waiting chat as one `queued` delta.
    const frame = await lobby.waitFor(
      (f) => (f.type === 'lobby' && f.queue.some(match)) || (f.type === 'queued' && match(f.entry)),
      `${contactName} in the queue`,
    );
    return frame.type === 'queued' ? frame.entry! : (frame as Extract<LobbyServerFrame, { type: 'lobby' }>).queue.find(match)!;
  }

  async accept(lobby: LobbySocket, conversationId: string): Promise<void> {
    lobby.send({ type: 'accept', conversationId });
    await lobby.waitFor((f) => f.type === 'accepted' && f.conversationId === conversationId, `accepted ${conversationId}`);
  }

  /** Joins the conversation's room as this agent. */
  async join(conversationId: string): Promise<RoomSocket> {
    const room = await FrameSocket.open<ServerFrame, ClientFrame>(
      this.socketUrl(`/api/console/conversations/${encodeURIComponent(conversationId)}/socket`),
      this.headers(),
    );
    this.sockets.push(room);
    await room.waitFor((f) => f.type === 'ready', 'ready');
    room.send({ type: 'resume', since: 0 });
    return room;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}

/** The hex HMAC-SHA256 a host page puts in `user-hash` for its signed-in customer. */
export async function identityHash(userId: string, secret = DEMO_IDENTITY_SECRET): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId));
  return Buffer.from(signature).toString('hex');
}
