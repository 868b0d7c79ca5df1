import { toBase64Url } from "../auth/encoding";

/** The prefix every Parley signing secret carries, as Standard Webhooks names it. */
export const SECRET_PREFIX = "whsec_";

const BASE64_BODY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The HMAC key a secret stands for under Standard Webhooks (https://www.standardwebhooks.com):
 * the base64-decoded part after `whsec_`. Secrets minted before Standard Webhooks were written in
 * the URL-safe alphabet (`-` and `_`), which decodes to the same bytes once read as such, so both
 * alphabets are taken. A secret that is not `whsec_` + base64 at all (none is minted so) signs with
 * its own UTF-8 bytes, which the libraries take as `{ format: "raw" }`.
 *
 * @example
 * standardKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // the 24 bytes those 32 characters encode
 */
export function standardKey(secret: string): Uint8Array<ArrayBuffer> {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : null;
  if (body && BASE64_BODY.test(body) && body.length % 4 !== 1) {
    const b64 = body.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
    const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  return new TextEncoder().encode(secret);
}

/**
 * The secret as the official `standardwebhooks` libraries take it: `whsec_` + standard base64 of
 * its key. The same string for secrets minted now; for older URL-safe ones, `-` and `_` become `+`
 * and `/`.
 */
export function standardSecret(secret: string): string {
  const urlSafe = toBase64Url(standardKey(secret));
  const b64 = urlSafe.replaceAll("-", "+").replaceAll("_", "/");
  return `${SECRET_PREFIX}${b64}${"=".repeat((4 - (b64.length % 4)) % 4)}`;
}

/** A new signing secret: 24 random bytes, which standard base64 writes in 32 characters without padding. */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return standardSecret(`${SECRET_PREFIX}${toBase64Url(bytes)}`);
}

async function hmacBase64(key: Uint8Array<ArrayBuffer>, text: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(text)));
  let s = "";
  for (const b of mac) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * `webhook-signature`: one `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` per secret that
 * signs now, separated by spaces (the new secret first during a rotation's overlap).
 *
 * @example
 * await standardSignatureHeader(["whsec_…"], "dlv_1", 1700000000, "{}") // "v1,K5oZfz…="
 */
export async function standardSignatureHeader(secrets: string[], id: string, unixSeconds: number, rawBody: string): Promise<string> {
  const signatures = await Promise.all(secrets.map((s) => hmacBase64(standardKey(s), `${id}.${unixSeconds}.${rawBody}`)));
  return signatures.map((sig) => `v1,${sig}`).join(" ");
}
