import { z } from "zod";
import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * A visitor's proof of owning one conversation: an HMAC-signed claim kept in the browser's
 * localStorage. It names the conversation and its workspace, so nothing the visitor sends can
 * point it at another one.
 */
const claims = z.object({
  v: z.literal(1),
  conversationId: z.string(),
  workspaceId: z.string(),
  channelId: z.string(),
  iat: z.number().int(),
});
export type ConversationClaims = z.infer<typeof claims>;

async function key(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new Error("TOKEN_SECRET must be at least 32 characters");
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function signConversationToken(
  secret: string,
  data: Omit<ConversationClaims, "v" | "iat">,
): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify({ v: 1, ...data, iat: Math.floor(Date.now() / 1000) }));
  const sig = await crypto.subtle.sign("HMAC", await key(secret), body);
  return `${toBase64Url(body)}.${toBase64Url(new Uint8Array(sig))}`;
}

export async function verifyConversationToken(secret: string, token: string): Promise<ConversationClaims | null> {
  const [bodyText, sigText, extra] = token.split(".");
  if (extra !== undefined || !bodyText || !sigText) return null;
  const body = fromBase64Url(bodyText);
  const sig = fromBase64Url(sigText);
  if (!body || !sig) return null;
  if (!(await crypto.subtle.verify("HMAC", await key(secret), sig, body))) return null;
  try {
    const parsed = claims.safeParse(JSON.parse(new TextDecoder().decode(body)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
