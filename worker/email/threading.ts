import { toBase64Url } from "../auth/encoding";
import type { EmailEnvelope } from "./email-request";
import { replyAddress, replyDomain, type ReplyTarget } from "./reply-address";

type ThreadEnv = { TOKEN_SECRET: string; REPLY_DOMAIN?: string };

/**
 * What makes an email about a conversation answerable and threaded: its signed reply address (the
 * customer's, or the agents' on notifications), a Message-ID of its own derived from its
 * idempotency key (so a resend is the same email to every client), and the conversation's root in
 * References, which every mail client threads by. A reply to any of them names the root too.
 */
export async function conversationThread(env: ThreadEnv, target: ReplyTarget, idempotencyKey: string): Promise<NonNullable<EmailEnvelope["thread"]>> {
  const domain = replyDomain(env);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(idempotencyKey)));
  const own = toBase64Url(digest).slice(0, 22).replaceAll("_", ".").replaceAll("-", ".");
  return {
    replyTo: await replyAddress(env, target),
    messageId: `<${target.conversationId}.${own}@${domain}>`,
    references: [conversationRoot(env, target.conversationId)],
  };
}

export function conversationRoot(env: { REPLY_DOMAIN?: string }, conversationId: string): string {
  return `<${conversationId}@${replyDomain(env)}>`;
}
