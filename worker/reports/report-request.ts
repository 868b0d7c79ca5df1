import type { ConversationsCsvQuery, ReportQuery, ReportSettings } from "../../protocol/reports";
import { LIMITS } from "../../protocol/limits";
import { forbidden, HttpError } from "../http/errors";
import { listChannels } from "../db/channels";
import type { ReportScope } from "./report-scope";
import { dayFromIso, instantOf, isoOfDay, localDayOf } from "./zone";

/** Who reads a report: an integrator's key or an admin see the workspace; an agent maybe only themselves. */
export type ReportReader = { workspaceId: string; agent?: { id: string; role: "admin" | "agent" } };

const DEFAULT_DAYS = 28;

/** The workspace's report settings; its time zone falls back to the first channel's opening hours, then UTC. */
export async function reportSettingsOf(db: D1Database, workspaceId: string): Promise<ReportSettings & { effectiveTimeZone: string }> {
  const row = await db
    .prepare("SELECT time_zone, agent_reports FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ time_zone: string | null; agent_reports: "own" | "all" }>();
  const timeZone = row?.time_zone ?? null;
  const fallback = timeZone ?? (await listChannels(db, workspaceId)).find((c) => c.config.openingHours)?.config.openingHours?.timeZone ?? "UTC";
  return { timeZone, agentReports: row?.agent_reports ?? "own", effectiveTimeZone: fallback };
}

export async function saveReportSettings(db: D1Database, workspaceId: string, s: ReportSettings): Promise<void> {
  await db.prepare("UPDATE workspaces SET time_zone = ?, agent_reports = ? WHERE id = ?").bind(s.timeZone, s.agentReports, workspaceId).run();
}

/**
 * The scope a query asks for, as this reader may see it: local dates become instants in the
 * workspace's zone (a day across a DST change is 23 or 25 hours), and an agent limited to their
 * own figures gets them whatever `agent` says, or 403 when they ask for someone else's.
 */
export async function resolveScope(
  db: D1Database,
  reader: ReportReader,
  query: Pick<ReportQuery, "from" | "to" | "channel" | "team" | "agent"> | Pick<ConversationsCsvQuery, "from" | "to" | "channel" | "team" | "agent">,
): Promise<{ scope: ReportScope; days: [string, string]; own: boolean }> {
  const settings = await reportSettingsOf(db, reader.workspaceId);
  const timeZone = settings.effectiveTimeZone;
  const today = localDayOf(timeZone, Date.now());
  const to = query.to ? dayFromIso(query.to) : query.from ? Math.min(dayFromIso(query.from) + DEFAULT_DAYS - 1, today) : today;
  const from = query.from ? dayFromIso(query.from) : to - DEFAULT_DAYS + 1;
  if (to - from >= LIMITS.reports.maxDays) throw new HttpError(400, "invalid_request", `to: a report covers at most ${LIMITS.reports.maxDays} days`);
  if (from > to) throw new HttpError(400, "invalid_request", "from must not be after to");
  const own = reader.agent !== undefined && reader.agent.role !== "admin" && settings.agentReports === "own";
  if (own && query.agent && query.agent !== reader.agent!.id) throw forbidden("agents see their own figures only; ask an admin for the rest");
  if (own && query.team) throw forbidden("agents see their own figures only; ask an admin for a team's");
  return {
    scope: {
      workspaceId: reader.workspaceId,
      timeZone,
      fromMs: instantOf(timeZone, from, 0),
      toMs: instantOf(timeZone, to + 1, 0),
      channel: query.channel,
      agent: own ? reader.agent!.id : query.agent,
      team: query.team,
    },
    days: [isoOfDay(from), isoOfDay(to)],
    own,
  };
}
