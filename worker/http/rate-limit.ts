import { LIMITS, type Rate } from "../../protocol/limits";
import type { Env } from "../env";
import { HttpError } from "./errors";
import { networkOf, parseIp } from "./ip-address";

export type HttpLimit = keyof typeof LIMITS.http;

/** Where CF-Connecting-IP is missing or garbage: all such requests share one bucket, never none. */
const UNKNOWN = "unknown";

/**
 * Takes one token from `who`'s bucket for `limit`, kept in D1 so every isolate sees the same
 * bucket; throws a 429 with Retry-After (code `rate_limited`) when it is empty. The math is
 * protocol/token-bucket.ts's `take`, done inside one atomic upsert so concurrent requests
 * cannot both take the last token.
 *
 * @example
 * await enforceLimit(env, "startConversation", clientAddress(c.req.raw.headers));
 */
export async function enforceLimit(env: Env, limit: HttpLimit, who: string): Promise<void> {
  const rate: Rate = LIMITS.http[limit];
  // Operators (and the browser test server, where every visitor is 127.0.0.1) can scale the bursts.
  const burst = rate.burst * (Number(env.RATE_LIMIT_FACTOR ?? "1") || 1);
  // In SQL an UPDATE's SET reads the row as it was, so `refilled` is spelled out in both columns.
  const refilled = "min(?2, tokens + max(0, ?3 - at) / 1000.0 * ?4)";
  const row = await env.DB.prepare(
    `INSERT INTO token_buckets (key, tokens, at, taken) VALUES (?1, ?2 - 1, ?3, 1)
     ON CONFLICT (key) DO UPDATE SET
       tokens = CASE WHEN ${refilled} >= 1 THEN ${refilled} - 1 ELSE ${refilled} END,
       taken = ${refilled} >= 1,
       at = max(at, ?3)
     RETURNING tokens, taken`,
  )
    .bind(`${limit}:${who}`, burst, Date.now(), rate.perSecond)
    .first<{ tokens: number; taken: number }>();
  if (!row || row.taken) return;
  const retryAfter = Math.max(1, Math.ceil((1 - row.tokens) / rate.perSecond));
  throw new HttpError(429, "rate_limited", `too many requests; try again in ${retryAfter} seconds`, {
    "Retry-After": String(retryAfter),
  });
}

/**
 * The unit a per-address limit counts: the IPv4 address, or the IPv6 /64 (one subscriber's
 * network, through which a single host can rotate at will).
 */
export function clientAddress(headers: Headers): string {
  const ip = parseIp(headers.get("cf-connecting-ip") ?? "");
  if (!ip) return UNKNOWN;
  return ip.version === 4 ? networkOf(ip, 32) : networkOf(ip, 64);
}

/**
 * The wider unit a ceiling counts: IPv4 /24, IPv6 /48 (one site). High enough for an office
 * behind one NAT, low enough that rotating through neighbouring addresses does not escape it.
 */
export function clientWideNetwork(headers: Headers): string {
  const ip = parseIp(headers.get("cf-connecting-ip") ?? "");
  if (!ip) return UNKNOWN;
  return ip.version === 4 ? networkOf(ip, 24) : networkOf(ip, 48);
}
