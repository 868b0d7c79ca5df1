import PostalMime, { type Email } from "postal-mime";
import type { Author } from "../../../protocol/frames";
import { LIMITS, MAX_MESSAGE_LENGTH } from "../../../protocol/limits";
import { toBase64Url } from "../../auth/encoding";
import { findChannel } from "../../db/channels";
import { getConversationLink } from "../../db/conversations";
import { conversationOfEmail, findWorkspaceAgentByEmail, logInboundEmail, type InboundEmail } from "../../db/inbound-emails";
import { startConversation, subjectOf } from "../../conversations/start";
import type { Env } from "../../env";
import { HttpError } from "../../http/errors";
import { enforceLimit } from "../../http/rate-limit";
import { roomFor } from "../../rooms";
import { readReplyAddress } from "../reply-address";
import { storeEmailAttachments } from "./attachments";
import { htmlText } from "./html-text";
import { notAPerson } from "./mail-kind";
import { replyText } from "./reply-text";

/** The parts of Email Routing's message the handler uses (ForwardableEmailMessage), so tests can build one. */
export type IncomingEmail = Pick<ForwardableEmailMessage, "from" | "to" | "raw" | "rawSize" | "setReject">;

type EmailContext = NonNullable<Awaited<ReturnType<ReturnType<typeof roomFor>["emailContext"]>>>;

type Verdict = { outcome: "refused" | "dropped"; reason: string };
const refused = (reason: string): Verdict => ({ outcome: "refused", reason });
const dropped = (reason: string): Verdict => ({ outcome: "dropped", reason });

/**
 * The Worker's email() handler: a reply to a conversation's reply address lands in that
 * conversation as a message from its customer or one of its agents, through the room's one
 * append, so it is ordered and de-duplicated (its Message-ID is its clientId) like any other.
 *
 * Everything that is not such a reply changes nothing and is logged for admins: a forged or
 * altered address, a stranger, oversized mail and senders over their rate are refused (the
 * sender's server tells them why); auto-replies, bounces and lists are dropped without a word,
 * since answering a robot is how mail loops start.
 */
export async function receiveEmail(message: IncomingEmail, env: Env): Promise<InboundEmail> {
  const log: InboundEmail = {
    workspaceId: null,
    fromAddress: message.from,
    toAddress: message.to,
    conversationId: null,
    messageId: null,
    outcome: "accepted",
    reason: "posted",
  };
  const verdict = await handle(message, env, log).catch((err: unknown) => {
    console.error(JSON.stringify({ event: "inbound_email_failed", to: message.to, error: String(err) }));
    return refused("could not be processed; please try again later");
  });
  if (verdict) {
    log.outcome = verdict.outcome;
    log.reason = verdict.reason;
    if (verdict.outcome === "refused") message.setReject(verdict.reason);
  }
  await logInboundEmail(env.DB, log);
  return log;
}

async function handle(message: IncomingEmail, env: Env, log: InboundEmail): Promise<Verdict | null> {
  if (message.rawSize > LIMITS.email.inboundBytes) return refused(`message too large: at most ${LIMITS.email.inboundBytes / 1024 / 1024} MB`);
  const target = await readReplyAddress(env, message.to);
  if (!target) return refused("no such address");
  log.conversationId = target.conversationId;
  const room = roomFor(env, target.conversationId);
  const context = await room.emailContext();
  if (!context) return refused("no such conversation");
  log.workspaceId = context.workspaceId;

  const raw = await new Response(message.raw).arrayBuffer();
  const mail = await PostalMime.parse(raw);
  log.messageId = mail.messageId ?? null;
  // The From the person sees; the envelope's may be a provider's bounce address.
  const sender = (mail.from?.address ?? message.from ?? "").trim().toLowerCase();
  const ourOwn = env.EMAIL_FROM ? [sender, message.from.toLowerCase()].includes(addressIn(env.EMAIL_FROM)) : false;
  if (ourOwn) return dropped("sent by Parley itself (a loop)");
  const robot = notAPerson(mail, message.from);
  if (robot) return dropped(robot === "bounce" ? "a bounce report" : robot === "auto_reply" ? "an automatic reply" : "bulk or list mail");

  const author = await authorOf(env, target.kind, context, sender);
  if (!author) return refused("this address takes replies only from the people in the conversation");
  try {
    await enforceLimit(env, "inboundEmailConversation", target.conversationId);
    await enforceLimit(env, "inboundEmailSender", sender);
  } catch (err) {
    if (err instanceof HttpError && err.status === 429) return refused("too many emails; try again later");
    throw err;
  }

  const whole = mail.text ?? (mail.html ? htmlText(mail.html) : "");
  const body = replyText(whole).slice(0, MAX_MESSAGE_LENGTH);
  const clientId = await clientIdOf(mail, raw);
  log.clientId = clientId;
  log.originalText = whole.slice(0, LIMITS.email.originalTextChars);
  if (!body && !hasFiles(mail)) return dropped("no new text above the quoted history");

  let conversationId = await destinationOf(env, context, target.conversationId, author, clientId);
  if (conversationId === NEW_FOLLOW_UP) {
    try {
      conversationId = await startFollowUp(env, context, target.conversationId, { clientId, body: body || "(files sent by email)" });
    } catch (err) {
      if (err instanceof HttpError) return refused(err.status === 409 ? "we cannot take new conversations right now; try again later" : err.message);
      throw err;
    }
    log.reason = `posted as a follow-up of ${target.conversationId}`;
  }
  log.conversationId = conversationId;
  const destination = conversationId === target.conversationId ? room : roomFor(env, conversationId);
  const files = await storeEmailAttachments(env, { workspaceId: context.workspaceId, conversationId, channelId: context.channelId, uploadedBy: author.type === "agent" ? "agent" : "visitor" }, mail, clientId);
  if (body) {
    // A follow-up's first message is this one already; posting again is the room's de-duplicated no-op.
    const posted = await destination.postEmailReply(author, clientId, body);
    if (!posted.ok) {
      await Promise.all(files.map((f) => f.discard()));
      return refused(posted.message);
    }
  }
  for (const file of files) {
    const posted = await destination.postEmailReply(author, file.clientId, "", file.attachment);
    if (!posted.ok) {
      await file.discard();
      log.reason = `posted; a file was refused: ${posted.message}`;
    } else if (posted.duplicate) {
      await file.discard();
    }
  }
  return null;
}

const NEW_FOLLOW_UP = "";

/**
 * Where a reply goes: its own conversation, unless that has ended and the customer's email must
 * start a follow-up instead (the channel says so, or it was reopened as often as allowed). A
 * redelivered email that already started one goes to that one again.
 */
async function destinationOf(env: Env, context: EmailContext, conversationId: string, author: Author, clientId: string): Promise<string> {
  if (context.status !== "ended" || author.type !== "visitor") return conversationId;
  const earlier = await conversationOfEmail(env.DB, context.workspaceId, clientId);
  if (earlier) return earlier;
  const channel = await findChannel(env.DB, context.workspaceId, context.channelId);
  return channel?.config.emailAfterEnd === "follow_up" || !context.canReopen ? NEW_FOLLOW_UP : conversationId;
}

/**
 * A new conversation for the same contact, linked to the one it continues. It waits in the queue for
 * any agent: tying it to the earlier agent would strand it while they are away (the lobby has no
 * fallback from an assigned agent), and the link shows whoever takes it the history.
 */
async function startFollowUp(env: Env, context: EmailContext, previousId: string, message: { clientId: string; body: string }): Promise<string> {
  const channel = await findChannel(env.DB, context.workspaceId, context.channelId);
  const previous = await getConversationLink(env.DB, context.workspaceId, previousId);
  if (!channel || !previous) throw new HttpError(404, "not_found", "conversation not found");
  const started = await startConversation(env, {
    channel,
    contact: context.contact,
    subject: subjectOf(`Follow-up: ${previous.subject}`),
    message,
    followUp: { of: previousId, contactId: previous.contactId },
  });
  return started.id;
}

const hasFiles = (mail: Email) => mail.attachments.some((f) => !f.related && f.disposition !== "inline");

/** The customer, or an agent of the workspace writing from their own address; nobody else. */
async function authorOf(
  env: Env,
  kind: "customer" | "agent",
  context: EmailContext,
  sender: string,
): Promise<Author | null> {
  const agent = await findWorkspaceAgentByEmail(env.DB, context.workspaceId, sender);
  if (agent) return { type: "agent", id: agent.id, name: agent.name };
  if (kind === "customer" && context.contact.email.toLowerCase() === sender) return { type: "visitor", id: null, name: context.contact.name };
  return null;
}

/** The email's Message-ID names it everywhere; a redelivery has the same one, so it is the same message. */
async function clientIdOf(mail: Email, raw: ArrayBuffer): Promise<string> {
  const basis = mail.messageId ? new TextEncoder().encode(mail.messageId.trim()) : new Uint8Array(raw);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", basis));
  return `email-${toBase64Url(digest).slice(0, 40)}`;
}

/** The address in "Name <a@b>" or a bare one, lower-cased. */
function addressIn(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}
