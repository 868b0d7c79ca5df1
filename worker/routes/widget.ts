import { Hono, type Context } from "hono";
import { startConversationRequest } from "../../protocol/api";
import type { AppEnv } from "../app-env";
import { signConversationToken, verifyConversationToken } from "../auth/conversation-token";
import { findChannel, findChannelByKey, originAllowed, type Channel } from "../db/channels";
import { createConversation, getConversation } from "../db/conversations";
import { HttpError, notFound } from "../http/errors";
import { clientAddress, enforceLimit, LIMITS } from "../http/rate-limit";
import { parseBody } from "../http/validate";
import { forwardSocket, roomFor } from "../rooms";

/** The visitor's side: called cross-origin from whatever page embeds the widget. */
export const widgetRoutes = new Hono<AppEnv>();

async function channelFor(c: Context<AppEnv>, key: string): Promise<Channel> {
  const channel = await findChannelByKey(c.env.DB, key);
  if (!channel) throw notFound("channel");
  const origin = c.req.header("origin");
  if (!originAllowed(channel, origin)) {
    throw new HttpError(403, "origin_not_allowed", `this channel does not allow pages on ${origin ?? "no origin"}`);
  }
  if (origin) {
    c.header("Access-Control-Allow-Origin", origin);
    c.header("Vary", "Origin");
  }
  return channel;
}

function subjectOf(question: string): string {
  const firstLine = question.trim().split("\n")[0] ?? "";
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}

widgetRoutes.options("/channels/:key/*", async (c) => {
  await channelFor(c, c.req.param("key"));
  c.header("Access-Control-Allow-Methods", "GET, POST");
  c.header("Access-Control-Allow-Headers", "Content-Type");
  c.header("Access-Control-Max-Age", "86400");
  return c.body(null, 204);
});

widgetRoutes.get("/channels/:key", async (c) => {
  const channel = await channelFor(c, c.req.param("key"));
  return c.json({ channel: { key: channel.key, name: channel.name } });
});

widgetRoutes.post("/channels/:key/conversations", async (c) => {
  const channel = await channelFor(c, c.req.param("key"));
  const input = await parseBody(c, startConversationRequest);
  await enforceLimit(c.env.DB, LIMITS.startConversation, clientAddress(c.req.raw.headers));
  const conversation = await createConversation(c.env.DB, {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    name: input.name,
    email: input.email,
    subject: subjectOf(input.message.body),
  });
  const room = roomFor(c.env, conversation.id);
  await room.init({ conversationId: conversation.id, workspaceId: channel.workspaceId, channelId: channel.id });
  const posted = await room.post(
    { type: "visitor", id: null, name: conversation.contact.name },
    input.message.clientId,
    input.message.body,
  );
  if (!posted.ok) throw new HttpError(400, posted.code, posted.message);
  const token = await signConversationToken(c.env.TOKEN_SECRET, {
    conversationId: conversation.id,
    workspaceId: channel.workspaceId,
    channelId: channel.id,
  });
  return c.json({ conversation, token }, 201);
});

widgetRoutes.get("/conversations/:id/socket", async (c) => {
  const claims = await verifyConversationToken(c.env.TOKEN_SECRET, c.req.query("token") ?? "");
  if (!claims || claims.conversationId !== c.req.param("id")) {
    throw new HttpError(401, "invalid_token", "this conversation token is not valid for this conversation");
  }
  const channel = await findChannel(c.env.DB, claims.workspaceId, claims.channelId);
  if (!channel) throw notFound("conversation");
  if (!originAllowed(channel, c.req.header("origin"))) {
    throw new HttpError(403, "origin_not_allowed", "this channel does not allow this page");
  }
  const conversation = await getConversation(c.env.DB, claims.workspaceId, claims.conversationId);
  if (!conversation) throw notFound("conversation");
  return forwardSocket(c.env, claims.conversationId, c.req.raw, { role: "visitor", id: null, name: conversation.contact.name });
});
