import type { VisitorIdentity } from "../../protocol/api";

/**
 * A host page vouches for its signed-in customer with HMAC-SHA256(userId, channel identity secret).
 * crypto.subtle.verify compares in constant time; anything unverifiable is treated as anonymous.
 */
export async function verifyIdentity(secret: string | null, identity: VisitorIdentity | undefined): Promise<boolean> {
  if (!secret || !identity) return false;
  const hex = identity.userHash.toLowerCase();
  const signature = new Uint8Array(hex.length / 2);
  for (let i = 0; i < signature.length; i++) signature[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  return crypto.subtle.verify("HMAC", key, signature, new TextEncoder().encode(identity.userId));
}
