import type {
  Faq,
  StartConversationRequest,
  StartConversationResponse,
  ThreadsResponse,
  Ticket,
  TicketRequest,
  VisitorIdentity,
} from "../../protocol/api";
import type { PublicChannel } from "../../protocol/channel";
import type { Attachment, Message } from "../../protocol/frames";
import { requestJson } from "../lib/api";

/** The API lives where this module was loaded from, whatever page embeds it. */
export const API_ORIGIN = new URL(import.meta.url).origin;

const channelUrl = (key: string, path = "") => `${API_ORIGIN}/api/widget/channels/${encodeURIComponent(key)}${path}`;

export const fetchChannel = (key: string) => requestJson<{ channel: PublicChannel }>(channelUrl(key)).then((r) => r.channel);

export const startConversation = (key: string, body: StartConversationRequest) =>
  requestJson<StartConversationResponse>(channelUrl(key, "/conversations"), { method: "POST", json: body });

export const createTicket = (key: string, body: TicketRequest) =>
  requestJson<{ ticket: Ticket }>(channelUrl(key, "/tickets"), { method: "POST", json: body }).then((r) => r.ticket);

export const searchFaqs = (key: string, q: string, signal: AbortSignal) =>
  requestJson<{ faqs: Faq[] }>(`${channelUrl(key, "/faqs")}?q=${encodeURIComponent(q)}`, { signal }).then((r) => r.faqs);

export const listThreads = (key: string, identity: VisitorIdentity) =>
  requestJson<ThreadsResponse>(channelUrl(key, "/threads"), { method: "POST", json: { identity } }).then((r) => r.threads);

export const socketUrl = (conversationId: string, token: string) =>
  `${API_ORIGIN.replace(/^http/, "ws")}/api/widget/conversations/${encodeURIComponent(conversationId)}/socket?token=${encodeURIComponent(token)}`;

/** Sends a file as the raw request body; the stored message comes back (and to every socket). */
export const uploadAttachment = (conversationId: string, token: string, file: File, clientId: string) =>
  requestJson<{ message: Message }>(
    `${API_ORIGIN}/api/widget/conversations/${encodeURIComponent(conversationId)}/attachments?token=${encodeURIComponent(token)}`,
    {
      method: "POST",
      body: file,
      headers: {
        "Content-Type": file.type || "application/octet-stream",
        "X-Parley-Filename": encodeURIComponent(file.name),
        "X-Parley-Client-Id": clientId,
      },
    },
  );

export function attachmentUrl(attachment: Attachment, token: string): string {
  const url = new URL(attachment.url, API_ORIGIN);
  url.searchParams.set("token", token);
  return url.href;
}
