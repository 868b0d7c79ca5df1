import { z } from "zod";
import { LIMITS } from "../../protocol/limits";
import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * A visitor's proof of owning one conversation: an HMAC-signed claim kept in the browser's
 * localStorage. It names the conversation and its workspace, so nothing the visitor sends can
 * point it at another one. It expires (`exp`), and the conversation can refuse every token signed
 * before a moment (see visitor-access.ts), so a leaked one does not open the chat for ever.
 */
const claims = z.object({
  v: z.literal(2),
  conversationId: z.string(),
  workspaceId: z.string(),
  channelId: z.string(),
  /** Signed at, ms. */
  iat: z.number().int(),
  /** Expires at, ms. */
  exp: z.number().int(),
});
export type ConversationClaims = z.infer<typeof claims>;

/**
 * Tokens signed before they carried an expiry (iat in seconds) are read as if they had one: they
 * last their lifetime from when they were signed, and the first use after a week swaps them.
 */
const firstClaims = z
  .object({ v: z.literal(1), conversationId: z.string(), workspaceId: z.string(), channelId: z.string(), iat: z.number().int() })
  .transform(({ iat, ...rest }): ConversationClaims => ({ ...rest, v: 2, iat: iat * 1000, exp: iat * 1000 + LIMITS.visitorToken.lifetimeMs }));
const anyClaims = z.union([claims, firstClaims]);

async function key(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new Error("TOKEN_SECRET must be at least 32 characters");
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * @example
 * const token = await signConversationToken(env.TOKEN_SECRET, { conversationId, workspaceId, channelId });
 */
export async function signConversationToken(
  secret: string,
  data: Omit<ConversationClaims, "v" | "iat" | "exp">,
  now = Date.now(),
): Promise<string> {
  const full: ConversationClaims = { v: 2, ...data, iat: now, exp: now + LIMITS.visitorToken.lifetimeMs };
  const body = new TextEncoder().encode(JSON.stringify(full));
  const sig = await crypto.subtle.sign("HMAC", await key(secret), body);
  return `${toBase64Url(body)}.${toBase64Url(new Uint8Array(sig))}`;
}

/** The claims of a token this Worker signed, expired or not; null for anything else. */
export async function verifyConversationToken(secret: string, token: string): Promise<ConversationClaims | null> {
  const [bodyText, sigText, extra] = token.split(".");
  if (extra !== undefined || !bodyText || !sigText) return null;
  const body = fromBase64Url(bodyText);
  const sig = fromBase64Url(sigText);
  if (!body || !sig) return null;
  if (!(await crypto.subtle.verify("HMAC", await key(secret), sig, body))) return null;
  try {
    const parsed = anyClaims.safeParse(JSON.parse(new TextDecoder().decode(body)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Old enough that the visitor's next request should swap it for a fresh one (use keeps a chat open). */
export const dueForRefresh = (c: ConversationClaims, now = Date.now()) => now - c.iat >= LIMITS.visitorToken.refreshAfterMs;
