import { LIMITS, type Rate } from "../../protocol/limits";
import { take } from "../../protocol/token-bucket";

/**
 * One account's current run of failed sign-ins. Until the bucket (`tokens` at `at`,
 * LIMITS.http.signInAccount) runs dry, failures only take tokens, so typos spread over time never
 * lock anyone. The failure that empties it locks the account for as long as one token takes to
 * come back; from then on every failure locks it again, each time twice as long, up to
 * LIMITS.signInLockMaxSeconds. The run ends with a success, or after a quiet spell as long as the
 * bucket takes to fill up.
 */
export type AccountFailures = {
  tokens: number;
  /** The last failure. */
  at: number;
  /** Failures in this run. */
  failures: number;
  /** Locks in this run. */
  strikes: number;
  lockedUntil: number;
  /** Whether the workspace's admins were told about this run. */
  alerted: boolean;
};

export type Charge = { ok: true; next: AccountFailures } | { ok: false; retryAfterMs: number };

/**
 * Counts an attempt as a failure before its password is checked, so that guesses sent in parallel
 * each pay before any is verified; a success then clears the run. While the account is locked
 * the attempt is refused unchecked, the right password included: otherwise the lock would only
 * slow down guessing, not stop it.
 *
 * @example
 * const c = chargeAttempt(LIMITS.http.signInAccount, null, Date.now()); // ok, 19 tokens left
 */
export function chargeAttempt(rate: Rate, state: AccountFailures | null, now: number): Charge {
  if (state && state.lockedUntil > now) return { ok: false, retryAfterMs: state.lockedUntil - now };
  const quietMs = (rate.burst / rate.perSecond) * 1000;
  const run = state && now - Math.max(state.at, state.lockedUntil) < quietMs ? state : null;
  const counted = { failures: (run?.failures ?? 0) + 1, alerted: run?.alerted ?? false };
  const taken = run && run.strikes > 0 ? null : take(rate, run ?? undefined, now);
  if (taken?.ok && taken.bucket.tokens >= 1) return { ok: true, next: { ...taken.bucket, ...counted, strikes: 0, lockedUntil: 0 } };
  const strikes = (run?.strikes ?? 0) + 1;
  const lockMs = Math.min(LIMITS.signInLockMaxSeconds * 1000, (1000 / rate.perSecond) * 2 ** (strikes - 1));
  return { ok: true, next: { tokens: 0, at: now, ...counted, strikes, lockedUntil: now + Math.ceil(lockMs) } };
}
