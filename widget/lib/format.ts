/**
 * The one way both front ends write times and sizes, so that the console and the widget say
 * "14:17" or "2 Dec, 14:17" and "1.5 MB" alike. `locale` is the visitor's in the widget; the console
 * passes nothing and gets the browser's.
 *
 * @example
 * formatDateTime(Date.now(), "en") // "2:17 PM" today, "Dec 2, 2:17 PM" this year, "Dec 2, 2025, 2:17 PM" before
 */

/** The time of day, hours and minutes: "14:17" or "2:17 PM" as the locale writes it. */
export function formatTime(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" }).format(ms);
}

/** A moment: the time alone today, with the day this year, with the year before that. */
export function formatDateTime(ms: number, locale?: string, now = Date.now()): string {
  const at = new Date(ms);
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) return formatTime(ms, locale);
  const year = at.getFullYear() === today.getFullYear() ? undefined : "numeric";
  return new Intl.DateTimeFormat(locale, { year, month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(at);
}

/** A file size: "70 B", "12 kB", "1.5 MB" (decimal places only where they say something). */
export function formatBytes(bytes: number, locale?: string): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), "megabyte"] : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  // "narrow" for bytes: "70B" rather than "70 byte".
  const unitDisplay = unit === "byte" ? "narrow" : "short";
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay, maximumFractionDigits: 1 }).format(value);
}

/**
 * How long ago, short: "now", "3 min", "2 h", then the day as formatDateTime writes it. Put the
 * full moment (formatDateTime) in a title beside it.
 */
export function formatRelative(ms: number, locale?: string, now = Date.now()): string {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(0, "second");
  const unit = (value: number, unit: "minute" | "hour") =>
    new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(value);
  if (minutes < 60) return unit(minutes, "minute");
  if (minutes < 24 * 60) return unit(Math.floor(minutes / 60), "hour");
  return formatDateTime(ms, locale, now);
}
