import { z } from "zod";
import { LIMITS } from "../../protocol/limits";
import { fromBase64Url, toBase64Url } from "../auth/encoding";

/** One file of one conversation in one workspace: what a link's signature covers, with its expiry. */
export type LinkedFile = { workspaceId: string; conversationId: string; attachmentId: string };

/** The query of a signed link: the workspace, the expiry (ms) and the signature. */
export const signedLinkQuery = z.object({
  w: z.string().min(1).max(64),
  exp: z.coerce.number().int(),
  sig: z.string().min(1).max(64),
});
export type SignedLinkQuery = z.infer<typeof signedLinkQuery>;

/**
 * The signed text starts with a word no conversation token's JSON can start with, so a signature
 * made for one kind of credential never passes for the other although both use TOKEN_SECRET.
 */
const signedText = (f: LinkedFile, exp: number) => `attachment-link\n${f.workspaceId}\n${f.conversationId}\n${f.attachmentId}\n${exp}`;

async function key(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/**
 * A link that opens one file for LIMITS.attachmentLinkMs and nothing else: what the widget puts in
 * <img src> and download links, which can be copied and shared where the conversation token must
 * not go. The message's stored url stays bare; the link is made each time a visitor asks.
 *
 * @example
 * const { url } = await signAttachmentLink(env.TOKEN_SECRET, { workspaceId, conversationId, attachmentId });
 * // "/api/attachments/cv_…/att_…?w=ws_…&exp=1767225600000&sig=…"
 */
export async function signAttachmentLink(secret: string, f: LinkedFile, now = Date.now()): Promise<{ url: string; expiresAt: number }> {
  const exp = now + LIMITS.attachmentLinkMs;
  const sig = await crypto.subtle.sign("HMAC", await key(secret), new TextEncoder().encode(signedText(f, exp)));
  const query = new URLSearchParams({ w: f.workspaceId, exp: String(exp), sig: toBase64Url(new Uint8Array(sig)) });
  return { url: `/api/attachments/${f.conversationId}/${f.attachmentId}?${query}`, expiresAt: exp };
}

/** Whether a link's signature is this file's, and if so whether it is still good. */
export async function checkAttachmentLink(secret: string, f: LinkedFile, q: SignedLinkQuery, now = Date.now()): Promise<"ok" | "expired" | "invalid"> {
  const sig = fromBase64Url(q.sig);
  if (!sig) return "invalid";
  const valid = await crypto.subtle.verify("HMAC", await key(secret), sig, new TextEncoder().encode(signedText(f, q.exp)));
  if (!valid) return "invalid";
  return q.exp > now ? "ok" : "expired";
}
