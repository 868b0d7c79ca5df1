import type { ConversationSummary } from "../../protocol/api";
import type { Locale } from "../../protocol/channel";
import type { Channel } from "../db/channels";
import type { ContactInput } from "../db/contacts";
import { createConversation } from "../db/conversations";
import type { Env } from "../env";
import { HttpError } from "../http/errors";
import { lobbyFor, roomFor } from "../rooms";

export type StartInput = {
  channel: Channel;
  contact: ContactInput;
  subject: string;
  message: { clientId: string; body: string };
  topic?: string | undefined;
  fields?: Record<string, string>;
  locale?: Locale | undefined;
  /** Staff-initiated threads start active with their agent and skip the queue. */
  agent?: { id: string; name: string } | undefined;
  /** A staff-initiated thread given to a colleague from its first message (no "took over" line: nobody had it before). */
  responsible?: { id: string; name: string } | undefined;
  /** A customer's email after the end: the conversation it continues, and that one's contact. */
  followUp?: { of: string; contactId: string };
  /** Who may be offered a customer's conversation: its request's agent, or its team's members. */
  routing?: { assignedAgentId: string | null; teamAgentIds: string[] | null };
};

/**
 * The one way a conversation comes to be, whether a visitor starts it in the widget, an agent in
 * the console, or an integrator through the API: its D1 row, its room, its first message, and
 * (for customers) its place in the channel's queue. That place is held first, so a full queue
 * refuses with 409 `queue_full` before anything of the conversation exists.
 */
export async function startConversation(env: Env, input: StartInput): Promise<ConversationSummary> {
  if (input.agent) return create(env, input, null);
  const lobby = lobbyFor(env, input.channel.id);
  const seat = await lobby.reserveSeat();
  if (seat === null) throw queueFull();
  try {
    return await create(env, input, seat);
  } catch (err) {
    await lobby.releaseSeat(seat).catch(() => undefined);
    throw err;
  }
}

/** `seat`: the place held in the queue, for a customer's conversation; null for a staff-initiated one. */
async function create(env: Env, input: StartInput, seat: string | null): Promise<ConversationSummary> {
  const { channel } = input;
  const locale = input.locale ?? "en";
  const conversation = await createConversation(env.DB, {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    contact: input.contact,
    subject: input.subject,
    topic: input.topic,
    fields: input.fields ?? {},
    locale,
    status: input.agent ? "active" : "queued",
    agentId: (input.responsible ?? input.agent)?.id ?? null,
    contactId: input.followUp?.contactId,
    followUpOf: input.followUp?.of,
  });
  const room = roomFor(env, conversation.id);
  await room.init({
    conversationId: conversation.id,
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    contact: conversation.contact,
    locale,
    settings: {
      idleMinutes: channel.config.idleMinutes,
      leaveGraceSeconds: channel.config.leaveGraceSeconds,
      replyEmailDelaySeconds: channel.config.replyEmailDelaySeconds,
      allowBackToChat: channel.config.endForm.allowBackToChat,
      transcriptEmail: channel.config.transcriptEmail,
    },
    visitorContext: channel.config.visitorContext,
    status: input.agent ? "active" : "queued",
    agent: input.responsible ?? input.agent ?? null,
  });
  const author = input.agent
    ? { type: "agent" as const, id: input.agent.id, name: input.agent.name }
    : { type: "visitor" as const, id: null, name: conversation.contact.name };
  const posted = await room.post(author, input.message.clientId, input.message.body);
  if (!posted.ok) throw new HttpError(400, posted.code, posted.message);
  if (seat === null) return { ...conversation, status: "active" };
  await lobbyFor(env, channel.id).enqueue(
    {
      conversationId: conversation.id,
      subject: conversation.subject,
      contactName: conversation.contact.name,
      topic: conversation.topic,
      assignedAgentId: input.routing?.assignedAgentId ?? null,
      teamAgentIds: input.routing?.teamAgentIds ?? null,
    },
    seat,
  );
  return conversation;
}

/** The channel's queue holds `LIMITS.queuePerChannel` chats: the widget offers its ticket form instead. */
export function queueFull(): HttpError {
  return new HttpError(409, "queue_full", "the chat queue is full now; leave a message instead");
}

export function subjectOf(text: string): string {
  const firstLine = text.trim().split("\n")[0] ?? "";
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}
