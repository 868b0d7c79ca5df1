import type { Locale, OpeningHours } from "../../protocol/channel";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Interval = [string, string];

const MINUTES_PER_DAY = 24 * 60;

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h! * 60 + m!;
}

/** The weekday and minute of the day on the channel's own wall clock, so DST is Intl's business. */
function wallClock(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(part("weekday"));
  return { day, minute: Number(part("hour")) * 60 + Number(part("minute")) };
}

/**
 * Whether the channel is open at `at`. null hours: always open. An interval whose end is not after
 * its start runs past midnight into the next day (["22:00", "02:00"]; ["00:00", "00:00"] is the
 * whole day). Times are wall-clock times in the channel's time zone.
 */
export function isOpen(hours: OpeningHours | null, at: Date): boolean {
  if (hours === null) return true;
  const { day, minute } = wallClock(at, hours.timeZone);
  const today = hours.days[WEEKDAYS[day]!] ?? [];
  const yesterday = hours.days[WEEKDAYS[(day + 6) % 7]!] ?? [];
  const openToday = today.some(([from, to]) => {
    const start = minutesOf(from);
    const end = minutesOf(to) > start ? minutesOf(to) : MINUTES_PER_DAY;
    return minute >= start && minute < end;
  });
  const openFromYesterday = yesterday.some(([from, to]) => minutesOf(to) <= minutesOf(from) && minute < minutesOf(to));
  return openToday || openFromYesterday;
}

/** Short weekday names in the visitor's language, from a week known to start on a Monday. */
function weekdayName(index: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + index)));
}

const sameIntervals = (a: Interval[] | undefined, b: Interval[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * The hours as a visitor reads them, consecutive days with the same hours run together:
 * "Mon–Fri 09:00–12:00, 13:00–17:00; Sat 10:00–14:00 (Europe/Helsinki)". Empty when no day has hours.
 */
export function describeOpeningHours(hours: OpeningHours, locale: Locale): string {
  const runs: { first: number; last: number; intervals: Interval[] }[] = [];
  WEEKDAYS.forEach((day, index) => {
    const intervals = hours.days[day];
    if (!intervals?.length) return;
    const previous = runs.at(-1);
    if (previous && previous.last === index - 1 && sameIntervals(previous.intervals, intervals)) previous.last = index;
    else runs.push({ first: index, last: index, intervals });
  });
  if (runs.length === 0) return "";
  const described = runs.map(({ first, last, intervals }) => {
    const days = first === last ? weekdayName(first, locale) : `${weekdayName(first, locale)}–${weekdayName(last, locale)}`;
    return `${days} ${intervals.map(([from, to]) => `${from}–${to}`).join(", ")}`;
  });
  return `${described.join("; ")} (${hours.timeZone})`;
}
