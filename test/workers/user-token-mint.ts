import { toBase64Url } from "../../worker/auth/encoding";

/** What a host server does to mint a `user-token` (README, "Signed context"); tests mint with it, and forge with `header`. */
export async function mintUserToken(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "HS256", typ: "JWT" }) {
  const enc = (v: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(v)));
  const input = `${enc(header)}.${enc(claims)}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${toBase64Url(sig)}`;
}

export const inSeconds = (s: number, now = Date.now()) => Math.floor(now / 1000) + s;
