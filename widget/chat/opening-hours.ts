import type { Locale, OpeningHours } from "../../protocol/channel";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A run of consecutive weekdays with the same hours, e.g. ["09:00–12:00", "13:00–17:00"]; empty when closed. */
export type OpeningRow = { days: string; hours: string[] };

function weekdayName(index: number, locale: Locale): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + index)));
}

/** The week in the visitor's language, e.g. "Monday – Friday" 09:00–17:00, "Saturday – Sunday" closed. */
export function describeWeek(hours: OpeningHours, locale: Locale): OpeningRow[] {
  const rows: { first: number; last: number; hours: string[] }[] = [];
  WEEKDAYS.forEach((day, i) => {
    const ranges = (hours.days[day] ?? []).map(([from, to]) => `${from}–${to}`);
    const previous = rows.at(-1);
    if (previous && previous.hours.join() === ranges.join()) previous.last = i;
    else rows.push({ first: i, last: i, hours: ranges });
  });
  return rows.map((r) => ({
    days: r.first === r.last ? weekdayName(r.first, locale) : `${weekdayName(r.first, locale)} – ${weekdayName(r.last, locale)}`,
    hours: r.hours,
  }));
}

/** The channel's time zone as the visitor would say it, e.g. "Eastern European Time". */
export function timeZoneName(timeZone: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "longGeneric" }).formatToParts(new Date());
  return parts.find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}
