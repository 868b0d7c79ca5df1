import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { verifyConversationToken } from "../auth/conversation-token";
import { findChannel, findChannelByKey, originAllowed, type Channel } from "../db/channels";
import { getConversation } from "../db/conversations";
import { HttpError, notFound } from "../http/errors";

/** Sends CORS headers for a page the channel allows, and refuses pages it does not. */
export function allowOrigin(c: Context<AppEnv>, channel: Channel): void {
  const origin = c.req.header("origin");
  if (!originAllowed(channel, origin)) {
    throw new HttpError(403, "origin_not_allowed", `this channel does not allow pages on ${origin ?? "no origin"}`);
  }
  if (origin) {
    c.header("Access-Control-Allow-Origin", origin);
    c.header("Vary", "Origin");
    // So the widget can tell the visitor how long a rate limit lasts.
    c.header("Access-Control-Expose-Headers", "Retry-After");
  }
}

export async function channelForVisitor(c: Context<AppEnv>, key: string): Promise<Channel> {
  const channel = await findChannelByKey(c.env.DB, key);
  if (!channel) throw notFound("channel");
  allowOrigin(c, channel);
  return channel;
}

/**
 * The visitor's conversation, proven by the token in `?token=`; nothing else opens it. Files are
 * fetched by <img> and download links, which send no Origin, so they skip the page check: the
 * token alone is the credential there.
 */
export async function conversationForVisitor(c: Context<AppEnv>, conversationId: string, checkOrigin = true) {
  const claims = await verifyConversationToken(c.env.TOKEN_SECRET, c.req.query("token") ?? "");
  if (!claims || claims.conversationId !== conversationId) {
    throw new HttpError(401, "invalid_token", "this conversation token is not valid for this conversation");
  }
  const channel = await findChannel(c.env.DB, claims.workspaceId, claims.channelId);
  if (!channel) throw notFound("conversation");
  if (checkOrigin) allowOrigin(c, channel);
  const conversation = await getConversation(c.env.DB, claims.workspaceId, conversationId);
  if (!conversation) throw notFound("conversation");
  return { channel, conversation, workspaceId: claims.workspaceId };
}
