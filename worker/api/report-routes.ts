import { conversationsCsvQuery, reportQuery, reportResponse } from "../../protocol/reports";
import { conversationsCsvResponse, dailyCsvResponse, reportJson } from "../reports/report-responses";
import { route } from "./route";

const TAG = "Reports";

/** Reports for the key's whole workspace, in its time zone (docs/reports.md defines every figure). */
export const reportRoutes = [
  route(
    {
      method: "get",
      path: "/reports/summary",
      summary: "Every figure of a date range: totals, a series per day, week or month, heat map, agents, topics, comments",
      tag: TAG,
      query: reportQuery,
      success: { status: 200, description: "The report", schema: reportResponse },
      errors: [400],
    },
    async (c, { query }) => reportJson(c, { workspaceId: c.get("workspaceId") }, query),
  ),
  route(
    {
      method: "get",
      path: "/reports/daily.csv",
      summary: "The series of a report as CSV, one line per day, week or month",
      tag: TAG,
      query: reportQuery,
      success: { status: 200, description: "text/csv; charset=utf-8" },
      errors: [400],
    },
    async (c, { query }) => dailyCsvResponse(c, { workspaceId: c.get("workspaceId") }, query),
  ),
  route(
    {
      method: "get",
      path: "/reports/conversations.csv",
      summary: "One CSV line per conversation, oldest first, streamed; follow Link rel=\"next\" for the next page",
      tag: TAG,
      query: conversationsCsvQuery,
      success: { status: 200, description: "text/csv; charset=utf-8, streamed; a Link header names the next page when there is one" },
      errors: [400],
    },
    async (c, { query }) => conversationsCsvResponse(c, { workspaceId: c.get("workspaceId") }, query),
  ),
];
