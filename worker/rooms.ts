import { PRINCIPAL_HEADER, type Principal } from "../durable-objects/principal";
import type { Env } from "./env";

export function roomFor(env: Env, conversationId: string) {
  return env.ROOM.get(env.ROOM.idFromName(conversationId));
}

/**
 * Hands a WebSocket upgrade to the conversation's room, which accepts it with the hibernation
 * API. Accepting it here in the Worker would pin the socket to the Worker and never hibernate.
 */
export function forwardSocket(env: Env, conversationId: string, request: Request, principal: Principal) {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return Response.json(
      { error: { code: "upgrade_required", message: "connect with a WebSocket" } },
      { status: 426 },
    );
  }
  const headers = new Headers(request.headers);
  headers.set(PRINCIPAL_HEADER, JSON.stringify(principal));
  return roomFor(env, conversationId).fetch(new Request(request.url, { method: "GET", headers }));
}

export function lobbyFor(env: Env, channelId: string) {
  return env.LOBBY.get(env.LOBBY.idFromName(channelId));
}
