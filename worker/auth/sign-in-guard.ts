import { LIMITS, type Rate } from "../../protocol/limits";
import { claimAlert, clearFailures, pruneFailures, readFailures, writeFailures } from "../db/sign-in-failures";
import type { Env } from "../env";
import { HttpError } from "../http/errors";
import { chargeAttempt } from "./sign-in-lock";

/**
 * The per-account guard on password checks (sign-in and changing one's own password), from any
 * address: see sign-in-lock.ts for the rule. Keyed by the email typed, known or not, so an
 * unknown address gets the same answers, in the same time, as a real one.
 */

/** Compare-and-swap rounds before a storm of parallel guesses on one account is refused outright. */
const MAX_ROUNDS = 5;

function accountRate(env: Env): Rate {
  const rate = LIMITS.http.signInAccount;
  return { burst: rate.burst * (Number(env.RATE_LIMIT_FACTOR ?? "1") || 1), perSecond: rate.perSecond };
}

const locked = (retryAfterMs: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, "rate_limited", `too many failed sign-ins for this account; try again in ${seconds} seconds`, {
    "Retry-After": String(seconds),
  });
};

/** Counts the attempt before the password is checked; throws 429 with Retry-After while the account is locked. */
export async function chargeSignIn(env: Env, email: string): Promise<void> {
  const key = email.toLowerCase();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await readFailures(env.DB, key);
    const charge = chargeAttempt(accountRate(env), stored?.state ?? null, Date.now());
    if (!charge.ok) throw locked(charge.retryAfterMs);
    if (await writeFailures(env.DB, key, charge.next, stored?.version ?? null)) return;
  }
  throw locked(1000);
}

/** The attempt charged was wrong. True once per run of failures, when the admins should be told. */
export async function signInFailed(env: Env, email: string): Promise<boolean> {
  return claimAlert(env.DB, email.toLowerCase(), LIMITS.signInAlertAfter);
}

/** The right password (or a new one set by an admin): the run of failures is over. */
export async function clearSignInFailures(env: Env, email: string): Promise<void> {
  const now = Date.now();
  const rate = accountRate(env);
  await clearFailures(env.DB, email.toLowerCase());
  await pruneFailures(env.DB, now - (rate.burst / rate.perSecond) * 1000, now);
}
