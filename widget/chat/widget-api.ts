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
import { LIMITS } from "../../protocol/limits";
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

export const listThreads = (key: string, proof: { identity?: VisitorIdentity | undefined; userToken?: string }) =>
  requestJson<ThreadsResponse>(channelUrl(key, "/threads"), { method: "POST", json: proof }).then((r) => r.threads);

const conversationUrl = (id: string, path: string, token: string) =>
  `${API_ORIGIN}/api/widget/conversations/${encodeURIComponent(id)}${path}?token=${encodeURIComponent(token)}`;

export const socketUrl = (conversationId: string, token: string) => conversationUrl(conversationId, "/socket", token).replace(/^http/, "ws");

/** The token to keep for a conversation (a fresh one once a week); a 401, 404 or 410 means it no longer opens. */
export const refreshToken = (conversationId: string, token: string) =>
  requestJson<{ token: string }>(conversationUrl(conversationId, "/token", token), { method: "POST" }).then((r) => r.token);

/** Sends a file as the raw request body; the stored message comes back (and to every socket). */
export const uploadAttachment = (conversationId: string, token: string, file: File, clientId: string) =>
  requestJson<{ message: Message }>(conversationUrl(conversationId, "/attachments", token), {
    method: "POST",
    body: file,
    headers: {
      "Content-Type": file.type || "application/octet-stream",
      "X-Parley-Filename": encodeURIComponent(file.name),
      "X-Parley-Client-Id": clientId,
    },
  });

/** Signed links by attachment id, with when this browser fetched them. */
const links = new Map<string, { url: string; at: number }>();
const fetching = new Set<string>();
/** Half the link's life: a link in use is swapped long before it expires, whatever the clocks say. */
const LINK_FRESH_MS = LIMITS.attachmentLinkMs / 2;

/**
 * A file's address: a short-lived link signed for that file alone, never one that carries the
 * conversation token (a copied link would hand out the whole chat). "" until the first link
 * arrives; then `ready` is called to render again. A link older than LINK_FRESH_MS is replaced
 * when it is next rendered.
 */
export function attachmentUrl(conversationId: string, token: string, attachment: Attachment, ready: () => void): string {
  const link = links.get(attachment.id);
  if (!fetching.has(attachment.id) && (!link || Date.now() - link.at > LINK_FRESH_MS)) {
    fetching.add(attachment.id);
    requestJson<{ url: string }>(conversationUrl(conversationId, `/attachments/${encodeURIComponent(attachment.id)}/link`, token))
      .then(
        ({ url }) => {
          links.set(attachment.id, { url: new URL(url, API_ORIGIN).href, at: Date.now() });
          ready();
        },
        // Tried again when it is next rendered.
        () => undefined,
      )
      .finally(() => fetching.delete(attachment.id));
  }
  return link?.url ?? "";
}
