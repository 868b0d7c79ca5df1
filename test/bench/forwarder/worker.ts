import { DurableObject } from "cloudflare:workers";

type ForwarderEnv = { ROOM: DurableObjectNamespace<ForwardingRoom> };

/**
 * A room that stores nothing and checks nothing: each frame goes to the room's other sockets as it
 * came. It answers pings like Parley's rooms, so that idle sockets cost the same.
 */
export class ForwardingRoom extends DurableObject<ForwarderEnv> {
  constructor(ctx: DurableObjectState, env: ForwarderEnv) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    for (const other of this.ctx.getWebSockets()) {
      if (other !== ws) other.send(data);
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    ws.close(code === 1005 ? 1000 : code, reason);
  }
}

/** `GET /rooms/{name}/socket` (WebSocket) joins the room of that name; the Worker only routes. */
export default {
  fetch(request, env) {
    const room = /^\/rooms\/([A-Za-z0-9_-]{1,64})\/socket$/.exec(new URL(request.url).pathname)?.[1];
    if (!room) return new Response("not found", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("upgrade required", { status: 426 });
    return env.ROOM.get(env.ROOM.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<ForwarderEnv>;
