import { constantTimeEqual, fromBase64Url, toBase64Url } from "./encoding.ts";

// Workers' WebCrypto caps PBKDF2 at 100,000 iterations; the count is stored with each hash so it
// can be raised later without invalidating existing ones.
const ITERATIONS = 100_000;
const PREFIX = "pbkdf2-sha256";

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, ITERATIONS);
  return `${PREFIX}$${ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, iterText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterText);
  const salt = fromBase64Url(saltText ?? "");
  const expected = fromBase64Url(hashText ?? "");
  if (prefix !== PREFIX || !Number.isInteger(iterations) || iterations < 1 || !salt || !expected) return false;
  return constantTimeEqual(await derive(password, salt, iterations), expected);
}

/** A hash of a password nobody knows, checked when the email is unknown so timing does not tell. */
export const DUMMY_PASSWORD_HASH = `${PREFIX}$${ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
