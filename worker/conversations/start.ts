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
  /** Who may be offered a customer's conversation: its request's agent, or its team's members. */
  routing?: { assignedAgentId: string | null; teamAgentIds: string[] | null };
};

/**
 * The one way a conversation comes to be, whether a visitor starts it in the widget, an agent in
 * the console, or an integrator through the API: its D1 row, its room, its first message, and
 * (for customers) its place in the channel's queue.
 */
export async function startConversation(env: Env, input: StartInput): Promise<ConversationSummary> {
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
    agentId: input.agent?.id ?? null,
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
    status: input.agent ? "active" : "queued",
    agent: input.agent ?? null,
  });
  const author = input.agent
    ? { type: "agent" as const, id: input.agent.id, name: input.agent.name }
    : { type: "visitor" as const, id: null, name: conversation.contact.name };
  const posted = await room.post(author, input.message.clientId, input.message.body);
  if (!posted.ok) throw new HttpError(400, posted.code, posted.message);
  if (!input.agent) {
    await lobbyFor(env, channel.id).enqueue({
      conversationId: conversation.id,
      subject: conversation.subject,
      contactName: conversation.contact.name,
      topic: conversation.topic,
      assignedAgentId: input.routing?.assignedAgentId ?? null,
      teamAgentIds: input.routing?.teamAgentIds ?? null,
    });
  }
  return input.agent ? { ...conversation, status: "active" } : conversation;
}

export function subjectOf(text: string): string {
  const firstLine = text.trim().split("\n")[0] ?? "";
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}
