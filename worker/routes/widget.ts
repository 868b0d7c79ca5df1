import { Hono } from "hono";
import { faqSearchQuery, startConversationRequest, threadsRequest, ticketRequest } from "../../protocol/api";
import type { PublicChannel } from "../../protocol/channel";
import type { AppEnv } from "../app-env";
import { dueForRefresh, signConversationToken } from "../auth/conversation-token";
import { channelAvailability, publicChannelAvailability } from "../channels/availability";
import { requireSwitchedOn } from "../channels/channel-switch";
import { findChannelByKey, type Channel } from "../db/channels";
import { listContactThreads } from "../db/conversations";
import { queueFull, startConversation, subjectOf } from "../conversations/start";
import { searchFaqs } from "../db/faqs";
import { HttpError, notFound } from "../http/errors";
import { clientAddress, clientWideNetwork, enforceLimit } from "../http/rate-limit";
import { parseBody, parseQuery } from "../http/validate";
import { forwardSocket, roomFor } from "../rooms";
import { signAttachmentLink } from "../attachments/signed-link";
import { postUpload } from "../attachments/upload";
import { findAttachment } from "../db/attachments";
import { checkEmailDomain } from "../visitors/email-domain";
import { createTicketFor } from "../visitors/tickets";
import { takesMessages } from "../visitors/leave-message";
import { checkMessageLength, checkPreChat } from "../visitors/prechat";
import { recordHostContext, verifiedVisitor } from "../visitors/signed-context";
import { allowOrigin, channelForVisitor, conversationForVisitor, tokenOf } from "../visitors/visitor-access";

/** The visitor's side: called cross-origin from whatever page embeds the widget. */
export const widgetRoutes = new Hono<AppEnv>();

function preflight(c: { header: (k: string, v: string) => void }): void {
  c.header("Access-Control-Allow-Methods", "GET, POST");
  c.header("Access-Control-Allow-Headers", "Content-Type, X-Parley-Client-Id, X-Parley-Filename");
  c.header("Access-Control-Max-Age", "86400");
}

widgetRoutes.options("/channels/:key/*", async (c) => {
  const channel = await findChannelByKey(c.env.DB, c.req.param("key"));
  if (channel) allowOrigin(c, channel);
  preflight(c);
  return c.body(null, 204);
});
widgetRoutes.options("/channels/:key", async (c) => {
  const channel = await findChannelByKey(c.env.DB, c.req.param("key"));
  if (channel) allowOrigin(c, channel);
  preflight(c);
  return c.body(null, 204);
});
// The token rides in the query string, which preflights carry too.
widgetRoutes.options("/conversations/:id/*", async (c) => {
  const token = await tokenOf(c);
  if (token) allowOrigin(c, token.channel);
  preflight(c);
  return c.body(null, 204);
});

widgetRoutes.get("/channels/:key", async (c) => {
  // Before the lookup, so a flood of made-up keys is refused as cheaply as one of real ones.
  await enforceLimit(c.env, "channelConfig", clientAddress(c.req.raw.headers));
  const channel = await channelForVisitor(c, c.req.param("key"));
  const { config } = channel;
  const { availability, freshForSeconds } = await publicChannelAvailability(c.env, channel);
  const body: PublicChannel = {
    key: channel.key,
    name: channel.name,
    enabled: config.enabled,
    topics: config.topics,
    preChatFields: config.preChatFields,
    faqSuggestions: config.faqSuggestions,
    ticketSubmission: takesMessages(config, availability),
    endForm: config.endForm,
    transcriptEmail: config.transcriptEmail,
    maxMessageLength: config.maxMessageLength,
    attachments: config.attachments,
    strings: config.strings,
    openingHours: config.openingHours,
    visitorContext: config.visitorContext,
    availability,
  };
  // No staler than the availability in it; the answer differs per page origin (CORS).
  c.header("Cache-Control", `max-age=${freshForSeconds}`);
  c.header("Vary", "Origin");
  return c.json({ channel: body });
});

widgetRoutes.get("/channels/:key/faqs", async (c) => {
  const channel = await channelForVisitor(c, c.req.param("key"));
  const { q } = parseQuery(c, faqSearchQuery);
  if (!channel.config.faqSuggestions) return c.json({ faqs: [] });
  return c.json({ faqs: await searchFaqs(c.env.DB, channel.workspaceId, channel.id, q) });
});

/** A bad domain is a clear error; an unreachable resolver is nobody's fault and is let through. */
async function requireDeliverable(env: AppEnv["Bindings"], email: string): Promise<void> {
  if ((await checkEmailDomain(env.DB, env.DOH_URL, email)) === "no_mail") {
    throw new HttpError(400, "email_undeliverable", `email: ${email.split("@")[1]} cannot receive email; check the address`);
  }
}

/** The token that opens one of the channel's conversations, for the visitor who started or proved it. */
const tokenFor = (c: { env: AppEnv["Bindings"] }, channel: Channel, conversationId: string) =>
  signConversationToken(c.env.TOKEN_SECRET, { conversationId, workspaceId: channel.workspaceId, channelId: channel.id });

/** Chats and tickets draw on one budget per address and a higher one per network around it. */
async function limitStarts(env: AppEnv["Bindings"], headers: Headers): Promise<void> {
  await enforceLimit(env, "startConversation", clientAddress(headers));
  await enforceLimit(env, "startConversationWide", clientWideNetwork(headers));
}

widgetRoutes.post("/channels/:key/conversations", async (c) => {
  const channel = await channelForVisitor(c, c.req.param("key"));
  requireSwitchedOn(channel);
  const input = await parseBody(c, startConversationRequest);
  const prechat = checkPreChat(channel.config, input);
  checkMessageLength(channel.config, input.message.body);
  const availability = await channelAvailability(c.env, channel);
  if (!availability.available) {
    if (availability.reason === "queue_full") throw queueFull();
    throw new HttpError(409, "unavailable", availability.reason === "closed" ? "the chat is closed now" : "no agent is available now");
  }
  await requireDeliverable(c.env, input.email);
  await limitStarts(c.env, c.req.raw.headers);
  const verified = await verifiedVisitor(channel, input);
  // A signed token's name and email are the host's word; a user-hash vouches for the id only.
  const signed = verified?.claims;
  const conversation = await startConversation(c.env, {
    channel,
    // Without a verified identity the email is only what the visitor typed (see resolveContact).
    contact: {
      name: signed?.name ?? input.name,
      email: signed?.email ?? input.email,
      externalId: verified?.userId,
      unverified: !verified,
    },
    subject: subjectOf(input.message.body),
    message: input.message,
    topic: prechat.topic,
    fields: prechat.fields,
    locale: input.locale,
  });
  await recordHostContext(c.env.DB, channel.workspaceId, conversation.id, signed ?? null, input.attributes);
  return c.json({ conversation, token: await tokenFor(c, channel, conversation.id) }, 201);
});

widgetRoutes.post("/channels/:key/tickets", async (c) => {
  const channel = await channelForVisitor(c, c.req.param("key"));
  requireSwitchedOn(channel);
  if (!takesMessages(channel.config, await channelAvailability(c.env, channel))) {
    throw new HttpError(403, "tickets_disabled", "this channel does not take tickets now");
  }
  const input = await parseBody(c, ticketRequest);
  const prechat = checkPreChat(channel.config, input);
  checkMessageLength(channel.config, input.question, "question");
  await requireDeliverable(c.env, input.email);
  await limitStarts(c.env, c.req.raw.headers);
  const ticket = await createTicketFor(c.env, channel, {
    contact: { name: input.name, email: input.email, unverified: true },
    question: input.question,
    topic: prechat.topic,
    fields: prechat.fields,
    locale: input.locale,
  });
  return c.json({ ticket }, 201);
});

widgetRoutes.post("/channels/:key/threads", async (c) => {
  const channel = await channelForVisitor(c, c.req.param("key"));
  const verified = await verifiedVisitor(channel, await parseBody(c, threadsRequest));
  if (!verified) throw new HttpError(401, "identity_not_verified", "user-hash does not match user-id for this channel");
  const conversations = await listContactThreads(c.env.DB, channel.workspaceId, channel.id, verified.userId);
  const threads = await Promise.all(
    conversations.map(async (conversation) => ({ conversation, token: await tokenFor(c, channel, conversation.id) })),
  );
  return c.json({ threads });
});

widgetRoutes.get("/conversations/:id/socket", async (c) => {
  const { conversation } = await conversationForVisitor(c, c.req.param("id"));
  return forwardSocket(c.env, conversation.id, c.req.raw, { role: "visitor", id: null, name: conversation.contact.name });
});

widgetRoutes.post("/conversations/:id/attachments", async (c) => {
  const { channel, conversation, workspaceId } = await conversationForVisitor(c, c.req.param("id"));
  const message = await postUpload(c, {
    workspaceId,
    conversationId: conversation.id,
    limits: channel.config.attachments,
    author: { type: "visitor", id: null, name: conversation.contact.name },
  });
  return c.json({ message }, 201);
});

/**
 * The widget asks each time it opens a conversation, and when its socket drops: the answer is the
 * token to keep (a fresh one once the current is a week old, so a chat in use never expires), or
 * the 401 that tells it to forget the conversation (expired, revoked, not valid).
 */
widgetRoutes.post("/conversations/:id/token", async (c) => {
  const { channel, conversation, claims } = await conversationForVisitor(c, c.req.param("id"));
  const token = dueForRefresh(claims) ? await tokenFor(c, channel, conversation.id) : (c.req.query("token") ?? "");
  c.header("Cache-Control", "no-store");
  return c.json({ token });
});

/** A short-lived link to one file of the conversation, for <img> and download links (see signed-link.ts). */
widgetRoutes.get("/conversations/:id/attachments/:attachmentId/link", async (c) => {
  const { conversation, workspaceId } = await conversationForVisitor(c, c.req.param("id"));
  const file = await findAttachment(c.env.DB, workspaceId, conversation.id, c.req.param("attachmentId"));
  if (!file || file.deleted_at !== null) throw notFound("attachment");
  c.header("Cache-Control", "no-store");
  return c.json(await signAttachmentLink(c.env.TOKEN_SECRET, { workspaceId, conversationId: conversation.id, attachmentId: file.id }));
});
