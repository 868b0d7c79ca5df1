import type { Rate } from "./limits";

/** A bucket's state: tokens left at time `at` (ms). */
export type Bucket = { tokens: number; at: number };

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

/**
 * Takes `cost` tokens from a bucket refilled at `rate`. A refusal leaves the bucket as it was (but
 * refilled), so refused attempts cost the attacker nothing and honest users nothing either.
 *
 * @example
 * const r = take({ burst: 10, perSecond: 1 }, undefined, Date.now()); // r.ok === true, 9 left
 */
export function take(rate: Rate, bucket: Bucket | undefined, now: number, cost = 1): Take {
  const elapsed = bucket ? Math.max(0, now - bucket.at) / 1000 : 0;
  const tokens = Math.min(rate.burst, (bucket?.tokens ?? rate.burst) + elapsed * rate.perSecond);
  if (tokens >= cost) return { ok: true, bucket: { tokens: tokens - cost, at: now } };
  const retryAfterMs = Math.ceil(((cost - tokens) / rate.perSecond) * 1000);
  return { ok: false, bucket: { tokens, at: now }, retryAfterMs };
}
