import type { ReportFigures, ReportGroup, ReportResponse } from "../../protocol/reports";
import { localSecondsOf, periodOf, whereOf, type ReportScope } from "./report-scope";
import { dayFromIso, isoOfDay, weekdayOf } from "./zone";

type CountRow = {
  period: string;
  started: number;
  accepted: number;
  missed: number;
  satisfied: number;
  answered: number;
  rating_sum: number;
  rated: number;
  feedback: number;
  handled_ended: number;
  surveys: number;
  survey_replies: number;
};
type SpreadRow = { period: string | null; n: number; median: number; p90: number };
const METRICS = { wait: "wait_ms", firstResponse: "first_response_ms", resolution: "resolution_ms" } as const;
type Metric = keyof typeof METRICS;

const COUNTS = `COUNT(*) AS started, SUM(accepted_at IS NOT NULL) AS accepted,
  SUM(origin = 'visitor' AND accepted_at IS NULL AND ended_at IS NOT NULL) AS missed,
  SUM(satisfied = 1) AS satisfied, COUNT(satisfied) AS answered, COALESCE(SUM(rating), 0) AS rating_sum, COUNT(rating) AS rated,
  SUM(feedback_given) AS feedback, SUM(accepted_at IS NOT NULL AND ended_at IS NOT NULL) AS handled_ended,
  SUM(survey_sent_at IS NOT NULL) AS surveys, SUM(survey_replied_at IS NOT NULL) AS survey_replies`;

/** Nearest-rank percentiles: the value at rank ⌈p·n⌉, so every answer is a duration that happened. */
const RANKS = `MAX(CASE WHEN rn = (n + 1) / 2 THEN x END) AS median, MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN x END) AS p90`;

/**
 * Every figure of one report, in one round trip to D1: counts and shares per period (totals are
 * their sums), median and p90 of each duration per period and overall (window functions over the
 * range's rows), the weekday × hour heat map, agents, topics, labels and the newest comments.
 *
 * @example await buildReport(env.DB, { workspaceId, timeZone: "Europe/Helsinki", fromMs, toMs }, "day", ["2026-03-01", "2026-03-31"])
 */
export async function buildReport(db: D1Database, scope: ReportScope, group: ReportGroup, days: [string, string]): Promise<Omit<ReportResponse, "scope">> {
  const where = whereOf(scope);
  const period = periodOf("f.created_at", scope, group);
  const local = localSecondsOf("f.created_at", scope);
  const q = (sql: string, ...params: (string | number)[]) => db.prepare(sql).bind(...params);

  const spreadOf = (column: string) =>
    q(
      `WITH v AS (SELECT ${period.sql} AS period, ${column} AS x FROM conversation_facts f WHERE ${where.sql} AND ${column} IS NOT NULL),
       r AS (SELECT period, x, ROW_NUMBER() OVER (PARTITION BY period ORDER BY x) AS rn, COUNT(*) OVER (PARTITION BY period) AS n FROM v),
       t AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS rn, COUNT(*) OVER () AS n FROM v)
       SELECT period, MAX(n) AS n, ${RANKS} FROM r GROUP BY period
       UNION ALL SELECT NULL, MAX(n), ${RANKS} FROM t`,
      ...period.params,
      ...where.params,
    );
  const withTickets = !scope.agent && !scope.team;
  const ticketPeriod = periodOf("t.created_at", scope, group);
  const statements = [
    q(`SELECT ${period.sql} AS period, ${COUNTS} FROM conversation_facts f WHERE ${where.sql} GROUP BY 1`, ...period.params, ...where.params),
    q(
      `SELECT ${ticketPeriod.sql} AS period, COUNT(*) AS n FROM tickets t WHERE t.workspace_id = ? AND t.created_at >= ? AND t.created_at < ?
       ${scope.channel ? "AND t.channel_id = ?" : ""} GROUP BY 1`,
      ...ticketPeriod.params,
      scope.workspaceId,
      scope.fromMs,
      scope.toMs,
      ...(scope.channel ? [scope.channel] : []),
    ),
    spreadOf(METRICS.wait),
    spreadOf(METRICS.firstResponse),
    spreadOf(METRICS.resolution),
    q(
      `SELECT CAST(strftime('%w', ${local.sql}, 'unixepoch') AS INTEGER) AS w, CAST(strftime('%H', ${local.sql}, 'unixepoch') AS INTEGER) AS h,
       COUNT(*) AS n FROM conversation_facts f WHERE ${where.sql} GROUP BY 1, 2`,
      ...local.params,
      ...local.params,
      ...where.params,
    ),
    q(
      `WITH a AS (SELECT agent_id, accepted_at, ended_at, first_response_ms, rating FROM conversation_facts f WHERE ${where.sql} AND agent_id IS NOT NULL),
       e AS (SELECT agent_id, accepted_at AS at, 1 AS d FROM a WHERE accepted_at IS NOT NULL
             UNION ALL SELECT agent_id, ended_at, -1 FROM a WHERE accepted_at IS NOT NULL AND ended_at IS NOT NULL),
       open AS (SELECT agent_id, SUM(d) OVER (PARTITION BY agent_id ORDER BY at, d ROWS UNBOUNDED PRECEDING) AS k FROM e),
       peak AS (SELECT agent_id, MAX(k) AS peak FROM open GROUP BY agent_id),
       r AS (SELECT agent_id, first_response_ms AS x, ROW_NUMBER() OVER (PARTITION BY agent_id ORDER BY first_response_ms) AS rn,
             COUNT(*) OVER (PARTITION BY agent_id) AS n FROM a WHERE first_response_ms IS NOT NULL),
       fr AS (SELECT agent_id, MAX(CASE WHEN rn = (n + 1) / 2 THEN x END) AS median FROM r GROUP BY agent_id)
       SELECT a.agent_id, COALESCE(ag.name, 'Removed agent') AS name, COUNT(*) AS handled, COALESCE(MAX(peak.peak), 0) AS peak,
       MAX(fr.median) AS first_response_median, AVG(a.rating) AS average_rating
       FROM a LEFT JOIN peak USING (agent_id) LEFT JOIN fr USING (agent_id) LEFT JOIN agents ag ON ag.workspace_id = ? AND ag.id = a.agent_id
       GROUP BY a.agent_id ORDER BY handled DESC, name LIMIT 100`,
      ...where.params,
      scope.workspaceId,
    ),
    q(
      `SELECT topic, COUNT(*) AS n FROM conversation_facts f WHERE ${where.sql} AND topic IS NOT NULL AND topic != '' GROUP BY topic ORDER BY n DESC, topic LIMIT 20`,
      ...where.params,
    ),
    q(
      `SELECT l.name, l.color, COUNT(*) AS n FROM conversation_facts f
       JOIN conversation_labels cl ON cl.workspace_id = f.workspace_id AND cl.conversation_id = f.conversation_id
       JOIN labels l ON l.workspace_id = cl.workspace_id AND l.id = cl.label_id
       WHERE ${where.sql} AND f.deleted_at IS NULL GROUP BY l.id ORDER BY n DESC, l.name LIMIT 20`,
      ...where.params,
    ),
    q(
      `SELECT f.conversation_id, c.subject, f.satisfied, f.rating, f.comment, f.ended_at FROM conversation_facts f
       JOIN conversations c ON c.workspace_id = f.workspace_id AND c.id = f.conversation_id
       WHERE ${where.sql} AND f.comment IS NOT NULL AND f.deleted_at IS NULL ORDER BY f.ended_at DESC, f.conversation_id LIMIT 20`,
      ...where.params,
    ),
  ];
  const [counts, tickets, wait, firstResponse, resolution, heat, agents, topics, labels, comments] = await db.batch(statements);
  const byPeriod = new Map((counts!.results as CountRow[]).map((r) => [r.period, r]));
  const ticketsBy = new Map((tickets!.results as { period: string; n: number }[]).map((r) => [r.period, r.n]));
  const spreads = { wait, firstResponse, resolution } as Record<Metric, D1Result>;
  const spreadBy = (metric: Metric, key: string | null) => {
    const row = (spreads[metric].results as SpreadRow[]).find((r) => r.period === key);
    return { median: row?.median ?? null, p90: row?.p90 ?? null, count: row?.n ?? 0 };
  };
  const figures = (c: CountRow | undefined, ticketCount: number, key: string | null): ReportFigures => ({
    started: c?.started ?? 0,
    accepted: c?.accepted ?? 0,
    missed: c?.missed ?? 0,
    tickets: withTickets ? ticketCount : null,
    wait: spreadBy("wait", key),
    firstResponse: spreadBy("firstResponse", key),
    resolution: spreadBy("resolution", key),
    satisfiedShare: share(c?.satisfied, c?.answered),
    averageRating: share(c?.rating_sum, c?.rated),
    endFormRate: share(c?.feedback, c?.handled_ended),
    surveyRate: share(c?.survey_replies, c?.surveys),
  });

  const all = sumCounts([...byPeriod.values()]);
  const ticketTotal = [...ticketsBy.values()].reduce((a, b) => a + b, 0);
  return {
    timeZone: scope.timeZone,
    from: days[0],
    to: days[1],
    group,
    totals: figures(all, ticketTotal, null),
    series: periodsBetween(days, group).map((p) => ({ period: p, ...figures(byPeriod.get(p), ticketsBy.get(p) ?? 0, p) })),
    heatmap: (heat!.results as { w: number; h: number; n: number }[]).map((r) => ({ weekday: (r.w + 6) % 7, hour: r.h, conversations: r.n })),
    agents: (agents!.results as { agent_id: string; name: string; handled: number; peak: number; first_response_median: number | null; average_rating: number | null }[]).map(
      (r) => ({
        agentId: r.agent_id,
        name: r.name,
        handled: r.handled,
        peakConcurrent: r.peak,
        firstResponseMedian: r.first_response_median,
        averageRating: r.average_rating,
      }),
    ),
    topics: (topics!.results as { topic: string; n: number }[]).map((r) => ({ topic: r.topic, conversations: r.n })),
    labels: (labels!.results as { name: string; color: string; n: number }[]).map((r) => ({ name: r.name, color: r.color, conversations: r.n })),
    comments: (comments!.results as { conversation_id: string; subject: string; satisfied: number | null; rating: number | null; comment: string; ended_at: number | null }[]).map(
      (r) => ({
        conversationId: r.conversation_id,
        subject: r.subject,
        satisfied: r.satisfied === null ? null : r.satisfied === 1,
        rating: r.rating,
        comment: r.comment,
        endedAt: r.ended_at,
      }),
    ),
  };
}

const share = (part: number | undefined, whole: number | undefined) => (whole ? (part ?? 0) / whole : null);

function sumCounts(rows: CountRow[]): CountRow {
  const total: CountRow = { period: "", started: 0, accepted: 0, missed: 0, satisfied: 0, answered: 0, rating_sum: 0, rated: 0, feedback: 0, handled_ended: 0, surveys: 0, survey_replies: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof CountRow)[]) if (k !== "period") total[k] += r[k];
  return total;
}

/** Every period of the range, as SQL names them: the day, the week's Monday, the month's first day. */
export function periodsBetween([from, to]: [string, string], group: ReportGroup): string[] {
  const out = new Set<string>();
  for (let day = dayFromIso(from); day <= dayFromIso(to); day++) {
    const iso = isoOfDay(day);
    out.add(group === "day" ? iso : group === "week" ? isoOfDay(day - weekdayOf(day)) : `${iso.slice(0, 8)}01`);
  }
  return [...out];
}
