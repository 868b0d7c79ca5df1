import type { ReportGroup } from "../../protocol/reports";
import { offsetSegments } from "./zone";

/** Which conversations a report reads: one workspace, a range of creation instants, optional filters. */
export type ReportScope = {
  workspaceId: string;
  timeZone: string;
  fromMs: number;
  toMs: number;
  channel?: string | undefined;
  agent?: string | undefined;
  team?: string | undefined;
};

type Sql = { sql: string; params: (string | number)[] };

/**
 * The WHERE of every report over `conversation_facts f`, led by the (workspace_id, created_at)
 * index. A team counts the conversations its members are responsible for, as the team is now.
 */
export function whereOf(scope: ReportScope, alias = "f"): Sql {
  const parts = [`${alias}.workspace_id = ?`, `${alias}.created_at >= ?`, `${alias}.created_at < ?`];
  const params: (string | number)[] = [scope.workspaceId, scope.fromMs, scope.toMs];
  if (scope.channel) parts.push(`${alias}.channel_id = ?`), params.push(scope.channel);
  if (scope.agent) parts.push(`${alias}.agent_id = ?`), params.push(scope.agent);
  if (scope.team) {
    parts.push(`${alias}.agent_id IN (SELECT agent_id FROM team_members WHERE workspace_id = ? AND team_id = ?)`);
    params.push(scope.workspaceId, scope.team);
  }
  return { sql: parts.join(" AND "), params };
}

/**
 * Seconds of local wall-clock time for a UTC millisecond column, as SQL: the offset is a CASE over
 * the range's DST changes (usually none or one), so SQLite's date functions read local dates and
 * hours without a time-zone database.
 */
export function localSecondsOf(column: string, scope: ReportScope): Sql {
  const segments = offsetSegments(scope.timeZone, scope.fromMs, scope.toMs);
  if (segments.length === 1) return { sql: `((${column} + ?) / 1000)`, params: [segments[0]!.offset] };
  const params: number[] = [];
  const whens = segments.slice(1).map((s, i) => {
    params.push(s.since, segments[i]!.offset);
    return `WHEN ${column} < ? THEN ?`;
  });
  params.push(segments.at(-1)!.offset);
  return { sql: `((${column} + CASE ${whens.join(" ")} ELSE ? END) / 1000)`, params };
}

/** The period a local time falls in, as its first day: "2026-03-30" (weeks start on Monday). */
export function periodOf(column: string, scope: ReportScope, group: ReportGroup): Sql {
  const local = localSecondsOf(column, scope);
  const sql =
    group === "day"
      ? `date(${local.sql}, 'unixepoch')`
      : group === "week"
        ? `date(${local.sql}, 'unixepoch', 'weekday 0', '-6 days')`
        : `date(${local.sql}, 'unixepoch', 'start of month')`;
  return { sql, params: local.params };
}
