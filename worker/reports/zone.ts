/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: the offset at an instant, and
 * the instant of a local date and minute. DST is Intl's business; a local time that does not exist
 * (the hour skipped in spring) lands just after the gap, one that exists twice takes the first.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A calendar date, as days since 1970-01-01 (so the next day is +1 and the weekday is arithmetic). */
export type LocalDay = number;

const DAY_MS = 86_400_000;

/** Milliseconds to add to UTC to read the wall clock in `timeZone` at `at`. */
export function offsetAt(timeZone: string, at: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The local calendar day `at` falls on. */
export function localDayOf(timeZone: string, at: number): LocalDay {
  return Math.floor((at + offsetAt(timeZone, at)) / DAY_MS);
}

/** The instant a local wall-clock minute of `day` begins; minute may be 1440 (the next midnight). */
export function instantOf(timeZone: string, day: LocalDay, minute: number): number {
  const wall = day * DAY_MS + minute * 60_000;
  const first = wall - offsetAt(timeZone, wall);
  const second = wall - offsetAt(timeZone, first);
  // Inside a spring-forward gap the two guesses disagree; the later one is the wall time just after the gap.
  return Math.max(first, second);
}

/** 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
export const weekdayOf = (day: LocalDay): number => (day + 3) % 7;

/** "2026-03-29" ⇄ LocalDay. */
export const dayFromIso = (iso: string): LocalDay => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoOfDay = (day: LocalDay): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The instants where the offset changes within [from, to), with the offset from each one on:
 * what a SQL CASE needs to read local time off a UTC column (worker/reports/local-time-sql.ts).
 */
export function offsetSegments(timeZone: string, from: number, to: number): { since: number; offset: number }[] {
  const segments = [{ since: from, offset: offsetAt(timeZone, from) }];
  for (let day = from; day < to; day += DAY_MS) {
    const next = Math.min(day + DAY_MS, to);
    if (offsetAt(timeZone, next) === segments.at(-1)!.offset) continue;
    let lo = day;
    let hi = next;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      if (offsetAt(timeZone, mid) === segments.at(-1)!.offset) lo = mid;
      else hi = mid;
    }
    segments.push({ since: hi, offset: offsetAt(timeZone, hi) });
  }
  return segments;
}
