import { Hono } from "hono";
import { conversationsCsvQuery, reportQuery, reportSettings } from "../../protocol/reports";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly } from "../auth/middleware";
import { forbidden } from "../http/errors";
import { parseBody, parseQuery } from "../http/validate";
import { conversationsCsvResponse, dailyCsvResponse, reportJson } from "../reports/report-responses";
import { reportSettingsOf, saveReportSettings, type ReportReader } from "../reports/report-request";

/** The console's Reports page: admins see the workspace, agents their own figures unless an admin opens them all. */
export const consoleReportRoutes = new Hono<AppEnv>();

consoleReportRoutes.use("*", sameOriginOnly, requireAgent);

const readerOf = (agent: AppEnv["Variables"]["agent"]): ReportReader => ({ workspaceId: agent.workspaceId, agent: { id: agent.id, role: agent.role } });

consoleReportRoutes.get("/", (c) => reportJson(c, readerOf(c.get("agent")), parseQuery(c, reportQuery)));
consoleReportRoutes.get("/daily.csv", (c) => dailyCsvResponse(c, readerOf(c.get("agent")), parseQuery(c, reportQuery)));
consoleReportRoutes.get("/conversations.csv", (c) => conversationsCsvResponse(c, readerOf(c.get("agent")), parseQuery(c, conversationsCsvQuery)));

consoleReportRoutes.get("/settings", async (c) => {
  const { timeZone, agentReports, effectiveTimeZone } = await reportSettingsOf(c.env.DB, c.get("workspaceId"));
  return c.json({ settings: { timeZone, agentReports }, effectiveTimeZone });
});

consoleReportRoutes.put("/settings", async (c) => {
  if (c.get("agent").role !== "admin") throw forbidden("only admins change report settings");
  const settings = await parseBody(c, reportSettings);
  await saveReportSettings(c.env.DB, c.get("workspaceId"), settings);
  return c.json({ settings });
});
