import type { Env } from "../env";
import { HttpError } from "./errors";

export type Limit = { name: string; max: number; windowSeconds: number };

/** Chatwoot's default for new conversations; sign-in attempts are stricter per address. */
export const LIMITS = {
  startConversation: { name: "conv", max: 6, windowSeconds: 12 * 3600 },
  signIn: { name: "signin", max: 10, windowSeconds: 15 * 60 },
  /** Per workspace, across all of its API keys. */
  api: { name: "api", max: 600, windowSeconds: 60 },
} satisfies Record<string, Limit>;

/**
 * Fixed-window counter in D1, updated in one atomic upsert. Throws a 429 with Retry-After once
 * `who` has used up the window.
 */
export async function enforceLimit(env: Env, limit: Limit, who: string): Promise<void> {
  // Operators (and the browser test server, where every visitor is 127.0.0.1) can scale all limits.
  const factor = Number(env.RATE_LIMIT_FACTOR ?? "1") || 1;
  const db = env.DB;
  const now = Math.floor(Date.now() / 1000);
  const windowStart = now - (now % limit.windowSeconds);
  const row = await db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count`,
    )
    .bind(`${limit.name}:${who}`, windowStart)
    .first<{ count: number }>();
  if ((row?.count ?? 0) > limit.max * factor) {
    const retryAfter = windowStart + limit.windowSeconds - now;
    throw new HttpError(429, "rate_limited", `too many requests; try again in ${retryAfter} seconds`, {
      "Retry-After": String(retryAfter),
    });
  }
}

export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip") ?? "local";
}
