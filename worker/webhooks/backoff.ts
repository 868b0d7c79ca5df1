/** First retry after 30 s, doubling to at most an hour between tries. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/** A delivery still failing this long after its first try is given up; so is an endpoint. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;
