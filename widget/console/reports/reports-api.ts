import type { ReportResponse, ReportSettings } from "../../../protocol/reports";
import { requestJson } from "../../lib/api";

/** What the page asks for: local dates in the workspace's zone, a grouping and optional filters. */
export type ReportRequest = { from: string; to: string; group: "day" | "week" | "month"; channel: string; agent: string };

export function reportQuery(r: ReportRequest): string {
  const q = new URLSearchParams({ from: r.from, to: r.to, group: r.group });
  if (r.channel) q.set("channel", r.channel);
  if (r.agent) q.set("agent", r.agent);
  return q.toString();
}

export const reportsApi = {
  report: (r: ReportRequest) => requestJson<ReportResponse>(`/api/console/reports?${reportQuery(r)}`),
  settings: () => requestJson<{ settings: ReportSettings; effectiveTimeZone: string }>("/api/console/reports/settings"),
  dailyCsvUrl: (r: ReportRequest) => `/api/console/reports/daily.csv?${reportQuery(r)}`,
  conversationsCsvUrl: (r: ReportRequest) => {
    const q = new URLSearchParams(reportQuery(r));
    q.delete("group");
    return `/api/console/reports/conversations.csv?${q}`;
  },
};
