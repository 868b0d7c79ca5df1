/** How the Reports page words its numbers; every chart's table uses the same words as its tiles. */

export function duration(ms: number | null): string {
  if (ms === null) return "–";
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${h} h` : `${h} h ${minutes % 60} min`;
}

export const percent = (share: number | null) => (share === null ? "–" : `${Math.round(share * 100)} %`);
export const stars = (average: number | null) => (average === null ? "–" : average.toFixed(1));

/** "Mon 30 Mar" for a day, "30 Mar" for a week's Monday, "Mar 2026" for a month, read in UTC (periods are local dates). */
export function periodLabel(period: string, group: "day" | "week" | "month"): string {
  const at = new Date(`${period}T00:00:00Z`);
  const options: Intl.DateTimeFormatOptions =
    group === "month" ? { month: "short", year: "numeric" } : group === "week" ? { day: "numeric", month: "short" } : { weekday: "short", day: "numeric", month: "short" };
  return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(at);
}

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
