import { toHex } from "../auth/encoding";

/** Deliveries older than this are refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return toHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}

/**
 * `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by the secret's
 * own UTF-8 bytes. With several secrets (a rotation's overlap) one `v1=` per secret, newest first:
 * a receiver accepts the delivery when any of them matches.
 */
export async function signatureHeader(secrets: string | string[], rawBody: string, unixSeconds: number): Promise<string> {
  const all = typeof secrets === "string" ? [secrets] : secrets;
  const macs = await Promise.all(all.map((s) => hmacHex(s, `${unixSeconds}.${rawBody}`)));
  return [`t=${unixSeconds}`, ...macs.map((m) => `v1=${m}`)].join(",");
}

export type SignatureCheck = { ok: true } | { ok: false; code: "signature_missing" | "signature_invalid" | "signature_stale"; message: string };

export async function verifySignature(secret: string, header: string | undefined, rawBody: string, nowSeconds: number): Promise<SignatureCheck> {
  if (!header) return { ok: false, code: "signature_missing", message: "the Parley-Signature header is required" };
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) {
    return { ok: false, code: "signature_invalid", message: "Parley-Signature must be t=<unix seconds>,v1=<64 hex>" };
  }
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, code: "signature_stale", message: "the signature is older than 5 minutes; sign each delivery when you send it" };
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const sig = new Uint8Array(v1.match(/../g)!.map((h) => parseInt(h, 16)));
  const valid = await crypto.subtle.verify("HMAC", key, sig, new TextEncoder().encode(`${t}.${rawBody}`));
  return valid ? { ok: true } : { ok: false, code: "signature_invalid", message: "the signature does not match the body" };
}
