import type { CannedResponse, CannedVariable } from "../../protocol/canned-responses";

/** Each variable a saved reply may hold, with what fills it (typed against the protocol's list, without loading zod here). */
export const VARIABLES: Record<CannedVariable, string> = {
  "contact.name": "the customer's name",
  "contact.email": "the customer's email",
  "agent.name": "your name",
  "conversation.id": "the conversation's id",
};

/** What a saved reply's variables are filled from: the open thread and the agent writing. */
export type ReplyContext = {
  contact: { name: string; email: string };
  agentName: string;
  conversationId: string;
  locale: string | null;
};

/**
 * The reply as it goes into the composer: the variant for the visitor's locale when there is one,
 * with each `{{variable}}` filled; an unknown variable is left as typed so the agent sees it.
 *
 * @example fillReply({ body: "Hi {{contact.name}}", variants: {} }, ctx) // "Hi Aino"
 */
export function fillReply(reply: Pick<CannedResponse, "body" | "variants">, ctx: ReplyContext): string {
  const text = (ctx.locale && reply.variants[ctx.locale as keyof CannedResponse["variants"]]) || reply.body;
  const values: Record<CannedVariable, string> = {
    "contact.name": ctx.contact.name,
    "contact.email": ctx.contact.email,
    "agent.name": ctx.agentName,
    "conversation.id": ctx.conversationId,
  };
  return text.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (whole, name: string) => values[name as CannedVariable] ?? whole);
}

/** Lower-case without accents, so "pae" finds "Päivää" and "cafe" finds "Café". */
export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
