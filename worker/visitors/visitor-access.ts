import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { verifyConversationToken, type ConversationClaims } from "../auth/conversation-token";
import { findChannel, findChannelByKey, originAllowed, type Channel } from "../db/channels";
import { getConversation } from "../db/conversations";
import { visitorTokensRevokedBefore } from "../db/visitor-tokens";
import { HttpError, notFound } from "../http/errors";

/** Sends CORS headers for a page the channel allows, and refuses pages it does not. */
export function allowOrigin(c: Context<AppEnv>, channel: Channel): void {
  const origin = c.req.header("origin");
  if (!originAllowed(channel, origin)) {
    throw new HttpError(403, "origin_not_allowed", `this channel does not allow pages on ${origin ?? "no origin"}`);
  }
  if (origin) exposeTo(c, origin);
}

function exposeTo(c: Context<AppEnv>, origin: string): void {
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Vary", "Origin");
  // So the widget can tell the visitor how long a rate limit lasts.
  c.header("Access-Control-Expose-Headers", "Retry-After");
}

export async function channelForVisitor(c: Context<AppEnv>, key: string): Promise<Channel> {
  const channel = await findChannelByKey(c.env.DB, key);
  if (!channel) throw notFound("channel");
  allowOrigin(c, channel);
  return channel;
}

const invalidToken = () => new HttpError(401, "invalid_token", "this conversation token is not valid for this conversation");

/** The claims of the request's `?token=` and the channel they name, expired or not; null when unreadable. */
export async function tokenOf(c: Context<AppEnv>): Promise<{ claims: ConversationClaims; channel: Channel } | null> {
  const claims = await verifyConversationToken(c.env.TOKEN_SECRET, c.req.query("token") ?? "");
  const channel = claims ? await findChannel(c.env.DB, claims.workspaceId, claims.channelId) : null;
  return claims && channel ? { claims, channel } : null;
}

/**
 * The visitor's conversation, proven by the token in `?token=`; nothing else opens it. A token
 * that has expired, or was signed before the conversation revoked its tokens, is a 401 with its
 * own code, so the widget knows to forget the conversation.
 */
export async function conversationForVisitor(c: Context<AppEnv>, conversationId: string) {
  const token = await tokenOf(c);
  const origin = c.req.header("origin");
  if (token) allowOrigin(c, token.channel);
  // A token nobody can read (forged, or signed with a rotated secret) names no channel; the page
  // may still read its 401, which says nothing but "forget this chat", so that the widget offers
  // a new one instead of retrying for ever.
  else if (origin) exposeTo(c, origin);
  if (!token || token.claims.conversationId !== conversationId) throw invalidToken();
  const { claims, channel } = token;
  if (claims.exp <= Date.now()) {
    throw new HttpError(401, "token_expired", "this conversation token has expired; start a new conversation");
  }
  const [conversation, revokedBefore] = await Promise.all([
    getConversation(c.env.DB, claims.workspaceId, conversationId),
    visitorTokensRevokedBefore(c.env.DB, claims.workspaceId, conversationId),
  ]);
  if (!conversation || revokedBefore === null) throw notFound("conversation");
  if (claims.iat < revokedBefore) {
    throw new HttpError(401, "token_revoked", "this conversation token was revoked; start a new conversation");
  }
  return { channel, conversation, workspaceId: claims.workspaceId, claims };
}
