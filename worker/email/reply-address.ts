import { constantTimeEqual } from "../auth/encoding";

/**
 * Who a reply address lets write into a conversation: its customer (`c-…`, on the emails the
 * customer gets), or its workspace's agents (`a-…`, on notifications; the sender must then be an
 * agent's own address, and the reply is posted as that agent). The address is the capability, so
 * it is signed: a guessed or altered one is refused before anything else is read.
 */
export type ReplyTarget = { kind: "customer" | "agent"; conversationId: string };

/** 16 base32 characters: 80 bits. */
const SIGNATURE_LENGTH = 16;
const ID = /^[a-z0-9_]{1,40}$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** The domain replies go to: Email Routing sends every address under it to the Worker's email(). */
export function replyDomain(env: { REPLY_DOMAIN?: string }): string {
  return env.REPLY_DOMAIN || "reply.parley.localhost";
}

/**
 * @example
 * await replyAddress(env, { kind: "customer", conversationId: "cv_abc" }) // "c-cv_abc-k3j…@reply.example.com"
 */
export async function replyAddress(env: { TOKEN_SECRET: string; REPLY_DOMAIN?: string }, target: ReplyTarget): Promise<string> {
  if (!ID.test(target.conversationId)) throw new Error(`cannot put id ${target.conversationId} in a reply address`);
  const parts = [target.kind === "customer" ? "c" : "a", target.conversationId];
  return `${parts.join("-")}-${await sign(env.TOKEN_SECRET, parts)}@${replyDomain(env)}`;
}

/** The target of a reply address, or null for anything forged, altered, or not ours. Case does not matter: mail servers may fold it. */
export async function readReplyAddress(env: { TOKEN_SECRET: string; REPLY_DOMAIN?: string }, address: string): Promise<ReplyTarget | null> {
  const at = address.lastIndexOf("@");
  if (at < 0 || address.slice(at + 1).toLowerCase() !== replyDomain(env).toLowerCase()) return null;
  // A "+tag" some clients add, or a display form, is not part of what was signed.
  const local = address.slice(0, at).toLowerCase().split("+")[0]!;
  const parts = local.split("-");
  const signature = parts.pop();
  const [kind, conversationId] = parts;
  if (!signature || signature.length !== SIGNATURE_LENGTH || parts.length !== 2 || !conversationId || !ID.test(conversationId)) return null;
  if (kind !== "c" && kind !== "a") return null;
  const target: ReplyTarget = { kind: kind === "c" ? "customer" : "agent", conversationId };
  const expected = new TextEncoder().encode(await sign(env.TOKEN_SECRET, parts));
  return constantTimeEqual(expected, new TextEncoder().encode(signature)) ? target : null;
}

async function sign(secret: string, parts: string[]): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`parley-reply:${parts.join(":")}`)));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < SIGNATURE_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === SIGNATURE_LENGTH) break;
  }
  return out;
}
