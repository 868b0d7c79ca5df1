import { DurableObject } from "cloudflare:workers";

type ForwarderEnv = { ROOM: DurableObjectNamespace<ForwardingRoom> };

/** A socket joined through /durable-rooms/ stores each frame before passing it on. */
const DURABLE = "durable";

/**
 * A room that checks nothing: each frame goes to the room's other sockets as it came. On a
 * durable path it first writes the frame to the room's SQLite, with nothing awaited in between,
 * so the output gate holds the forwarded frame until the write is durable, as Parley's rooms hold
 * their acks: the runtime's limit for durable-before-delivery. It answers pings like Parley's rooms.
 */
export class ForwardingRoom extends DurableObject<ForwarderEnv> {
  constructor(ctx: DurableObjectState, env: ForwarderEnv) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  override async fetch(request: Request): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, new URL(request.url).pathname.startsWith("/durable-rooms/") ? [DURABLE] : []);
    // Parley greets every socket with `ready`, and the first frame sent on a connection sets up its
    // permessage-deflate state (about 0.3 MB, kept while the room hibernates): the limit greets
    // too, so that idle memory compares equal connections.
    server.send('{"type":"ready"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    if (this.ctx.getTags(ws).includes(DURABLE)) this.ctx.storage.sql.exec("INSERT INTO frames (body) VALUES (?)", data);
    for (const other of this.ctx.getWebSockets()) {
      if (other !== ws) other.send(data);
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    ws.close(code === 1005 ? 1000 : code, reason);
  }
}

/** `GET /rooms/{name}/socket` or `/durable-rooms/{name}/socket` (WebSocket) joins the room of that name. */
export default {
  fetch(request, env) {
    const room = /^\/(?:durable-)?rooms\/([A-Za-z0-9_-]{1,64})\/socket$/.exec(new URL(request.url).pathname)?.[1];
    if (!room) return new Response("not found", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("upgrade required", { status: 426 });
    return env.ROOM.get(env.ROOM.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<ForwarderEnv>;
