import type { OpeningHours } from "../../protocol/channel";
import { instantOf, localDayOf, weekdayOf } from "./zone";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** A wait longer than this is counted to here: no report needs a year of business hours walked day by day. */
const MAX_DAYS = 400;

/**
 * How much of [start, end) the channel was open, in milliseconds; the whole span when it has no
 * opening hours. Intervals are read as `isOpen` reads them (worker/channels/opening-hours.ts): one
 * whose end is not after its start runs into the next day, so a day is walked from the one before
 * `start`. A local day is 23 or 25 hours across a DST change, which the instants carry.
 *
 * @example businessMs(hours9to17, Date.parse("2026-03-02T16:00+02:00"), Date.parse("2026-03-03T10:00+02:00")) // 2 h
 */
export function businessMs(hours: OpeningHours | null, start: number, end: number): number {
  if (end <= start) return 0;
  if (hours === null) return end - start;
  const { timeZone } = hours;
  const first = localDayOf(timeZone, start) - 1;
  const last = Math.min(localDayOf(timeZone, end), first + MAX_DAYS);
  let total = 0;
  for (let day = first; day <= last; day++) {
    for (const [from, to] of hours.days[WEEKDAYS[weekdayOf(day)]!] ?? []) {
      const open = minutesOf(from);
      const close = minutesOf(to) > open ? minutesOf(to) : 1440 + minutesOf(to);
      const a = instantOf(timeZone, day + Math.floor(open / 1440), open % 1440);
      const b = instantOf(timeZone, day + Math.floor(close / 1440), close % 1440);
      total += Math.max(0, Math.min(b, end) - Math.max(a, start));
    }
  }
  return total;
}
