import { z } from "zod";
import { LIMITS } from "../../protocol/limits";
import { attributeKey, attributeValue } from "../../protocol/custom-attributes";
import { constantTimeEqual, fromBase64Url } from "./encoding";

/**
 * `user-token`: a JWT the host page's server mints for its signed-in customer, HS256 with the
 * channel's identity secret. Written by hand on purpose: a general JWT library accepts whatever
 * `alg` the token names (the `alg:none` and RS/HS confusion bugs), while this accepts exactly one
 * algorithm, a bounded size, and a short, required expiry.
 *
 * @example
 * const result = await verifyUserToken(channel.identitySecret, token);
 * if (result.ok) contact.externalId = result.claims.sub;
 */
const header = z.object({ alg: z.literal("HS256"), typ: z.literal("JWT").optional(), kid: z.string().max(100).optional() }).strict();

const seconds = z.number().int().nonnegative();
export const userTokenClaims = z.object({
  sub: z.string().trim().min(1).max(200),
  exp: seconds,
  iat: seconds.optional(),
  nbf: seconds.optional(),
  email: z.email().max(254).optional(),
  name: z.string().trim().min(1).max(120).optional(),
  /** The customer's account in the host platform (its own id), which the contact is linked to. */
  account_id: z.string().trim().min(1).max(200).optional(),
  account_name: z.string().trim().min(1).max(200).optional(),
  /** An open request (ticket, case) in the host platform that this conversation is about. */
  request_id: z.string().trim().min(1).max(200).optional(),
  attributes: z
    .record(attributeKey, attributeValue)
    .refine((a) => Object.keys(a).length <= LIMITS.customAttributes.perSubject, `at most ${LIMITS.customAttributes.perSubject} attributes`)
    .optional(),
});
export type UserTokenClaims = z.infer<typeof userTokenClaims>;

export type UserTokenFailure = "malformed" | "too_large" | "unsupported_alg" | "bad_signature" | "expired" | "not_yet_valid" | "too_long_lived" | "bad_claims";
export type UserTokenResult = { ok: true; claims: UserTokenClaims } | { ok: false; reason: UserTokenFailure };

const fail = (reason: UserTokenFailure): UserTokenResult => ({ ok: false, reason });

function json(part: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(part));
  } catch {
    return undefined;
  }
}

/** Checks the signature before reading any claim, so nothing an attacker wrote is trusted early. */
export async function verifyUserToken(secret: string | null, token: string, now = Date.now()): Promise<UserTokenResult> {
  const { maxBytes, clockSkewSeconds, maxLifetimeSeconds } = LIMITS.userToken;
  if (!secret) return fail("bad_signature");
  if (token.length > maxBytes) return fail("too_large");
  const parts = token.split(".");
  if (parts.length !== 3) return fail("malformed");
  const [headText, bodyText, sigText] = parts as [string, string, string];
  const head = fromBase64Url(headText);
  const body = fromBase64Url(bodyText);
  const sig = fromBase64Url(sigText);
  if (!head || !body || !sig) return fail("malformed");
  const parsedHead = header.safeParse(json(head));
  if (!parsedHead.success) return (json(head) as { alg?: unknown } | undefined)?.alg !== undefined ? fail("unsupported_alg") : fail("malformed");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${headText}.${bodyText}`)));
  if (!constantTimeEqual(expected, sig)) return fail("bad_signature");
  const claims = userTokenClaims.safeParse(json(body));
  if (!claims.success) return fail("bad_claims");
  const nowSeconds = Math.floor(now / 1000);
  const { exp, nbf, iat } = claims.data;
  if (exp + clockSkewSeconds < nowSeconds) return fail("expired");
  if ((nbf !== undefined && nbf - clockSkewSeconds > nowSeconds) || (iat !== undefined && iat - clockSkewSeconds > nowSeconds)) {
    return fail("not_yet_valid");
  }
  if (exp - nowSeconds > maxLifetimeSeconds) return fail("too_long_lived");
  return { ok: true, claims: claims.data };
}

/** What a refusal means, for the integrator reading the 401. */
export const USER_TOKEN_FAILURES: Record<UserTokenFailure, string> = {
  malformed: "user-token is not a JWT (three base64url parts)",
  too_large: `user-token is at most ${LIMITS.userToken.maxBytes} characters`,
  unsupported_alg: "user-token must be signed with HS256 (alg none and other algorithms are refused)",
  bad_signature: "user-token is not signed with this channel's identity secret",
  expired: "user-token has expired (exp)",
  not_yet_valid: "user-token is not valid yet (nbf or iat is in the future; check the server's clock)",
  too_long_lived: `user-token exp is more than ${LIMITS.userToken.maxLifetimeSeconds / 3600} h ahead; mint short-lived tokens`,
  bad_claims: "user-token claims are invalid: sub and exp are required; see README, Signed context",
};
