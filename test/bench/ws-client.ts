import type { ServerFrame } from "../../protocol/frames.ts";
import type { LobbyServerFrame } from "../../protocol/lobby.ts";

/**
 * Node's own WebSocket (undici), which unlike a browser's takes request headers: the agent's
 * session cookie, and a distinct client address per visitor. The DOM typings do not know that.
 */
type NodeWebSocketInit = { headers?: Record<string, string> };
const NodeWebSocket = WebSocket as unknown as new (url: string, init?: NodeWebSocketInit) => WebSocket;

/** Frames from a Parley room, a lobby, or the bare forwarder (which passes on the peer's `send` frames as they are). */
type ForwardedSend = { type: "send"; clientId: string; body: string };
export type AnyFrame = ServerFrame | LobbyServerFrame | ForwardedSend;
type Listener = (frame: AnyFrame) => void;

export type Socket = {
  /** Milliseconds from `new WebSocket` to `open`. */
  connectMs: number;
  send(frame: object): void;
  /** Adds a frame listener; returns its removal. */
  listen(listener: Listener): () => void;
  close(): void;
  readonly open: boolean;
};

/** Opens a socket; rejects when the upgrade is refused or fails. */
export function openSocket(url: string, headers: Record<string, string> = {}, onClose: (code: number) => void = () => {}): Promise<Socket> {
  const started = performance.now();
  const ws = new NodeWebSocket(url, { headers });
  const listeners = new Set<Listener>();
  // Frames that came before anyone listened (a room's `ready` comes right after the upgrade).
  const backlog: AnyFrame[] = [];
  let open = false;
  return new Promise((resolve, reject) => {
    ws.onmessage = (event: MessageEvent) => {
      const frame = JSON.parse(String(event.data)) as AnyFrame;
      if (listeners.size === 0) backlog.push(frame);
      for (const listener of listeners) listener(frame);
    };
    ws.onerror = () => reject(new Error(`WebSocket ${url.replace(/token=[^&]+/, "token=…")} failed`));
    ws.onclose = (event: CloseEvent) => {
      open = false;
      onClose(event.code);
    };
    ws.onopen = () => {
      open = true;
      resolve({
        connectMs: performance.now() - started,
        send: (frame) => ws.send(JSON.stringify(frame)),
        listen: (listener) => {
          listeners.add(listener);
          for (const frame of backlog.splice(0)) listener(frame);
          return () => listeners.delete(listener);
        },
        close: () => ws.close(1000),
        get open() {
          return open;
        },
      });
    };
  });
}

/** The first frame that `match` maps to a value, or a rejection after `timeoutMs`. */
export function waitFor<T>(socket: Socket, match: (frame: AnyFrame) => T | undefined, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      stop();
      reject(new Error("timed out waiting for a frame"));
    }, timeoutMs);
    // The backlog may answer inside listen(), before `stop` exists: remove the listener a tick later.
    const stop = socket.listen((frame) => {
      if (settled) return;
      const found = match(frame);
      if (found === undefined) return;
      settled = true;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(found);
    });
  });
}
