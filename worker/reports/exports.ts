import type { ReportResponse } from "../../protocol/reports";
import { csvLine, csvStream, CSV_BOM } from "./csv";
import { whereOf, type ReportScope } from "./report-scope";

const PAGE = 500;
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ratio = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

export const DAILY_COLUMNS = [
  "period", "started", "accepted", "missed", "tickets",
  "wait_median_s", "wait_p90_s", "first_response_median_s", "first_response_p90_s", "resolution_median_s", "resolution_p90_s",
  "satisfied_share", "average_rating", "end_form_rate", "survey_rate",
];

/** The report's series as CSV, one line per period: at most a few hundred lines, so built whole. */
export function dailyCsv(report: Omit<ReportResponse, "scope">): string {
  const lines = report.series.map((s) =>
    csvLine([
      s.period, s.started, s.accepted, s.missed, s.tickets,
      seconds(s.wait.median), seconds(s.wait.p90), seconds(s.firstResponse.median), seconds(s.firstResponse.p90),
      seconds(s.resolution.median), seconds(s.resolution.p90),
      ratio(s.satisfiedShare), ratio(s.averageRating), ratio(s.endFormRate), ratio(s.surveyRate),
    ]),
  );
  return CSV_BOM + csvLine(DAILY_COLUMNS) + lines.join("");
}

export const CONVERSATION_COLUMNS = [
  "conversation_id", "channel", "agent", "contact_name", "contact_email", "account", "topic", "labels",
  "created_at", "accepted_at", "first_agent_reply_at", "ended_at", "ended_reason",
  "wait_s", "first_response_s", "resolution_s", "satisfied", "rating", "comment", "reopened",
];

type ConversationRow = {
  conversation_id: string; created_at: number; channel: string | null; agent: string | null; contact_name: string | null;
  contact_email: string | null; account: string | null; topic: string | null; labels: string | null; accepted_at: number | null; first_agent_reply_at: number | null;
  ended_at: number | null; ended_reason: string | null; wait_ms: number | null; first_response_ms: number | null; resolution_ms: number | null;
  satisfied: number | null; rating: number | null; comment: string | null; reopened: number;
};

/** Where a page of the conversations CSV starts: after this (created_at, id), or from the start. */
export type CsvCursor = { createdAt: number; id: string } | null;
export const cursorText = (c: { createdAt: number; id: string }) => `${c.createdAt}_${c.id}`;
export function parseCursor(text: string | undefined): CsvCursor {
  if (!text) return null;
  const at = text.indexOf("_");
  return { createdAt: Number(text.slice(0, at)), id: text.slice(at + 1) };
}

const after = (cursor: CsvCursor) =>
  cursor ? { sql: " AND (f.created_at > ? OR (f.created_at = ? AND f.conversation_id > ?))", params: [cursor.createdAt, cursor.createdAt, cursor.id] } : { sql: "", params: [] };

/**
 * Where the page after this one starts, or null when this is the last: read off the index before
 * the first line is streamed, so the Link header can say it.
 */
export async function nextCursor(db: D1Database, scope: ReportScope, from: CsvCursor, limit: number): Promise<string | null> {
  const where = whereOf(scope);
  const a = after(from);
  const rows = await db
    .prepare(
      `SELECT f.created_at, f.conversation_id FROM conversation_facts f WHERE ${where.sql} AND f.deleted_at IS NULL${a.sql}
       ORDER BY f.created_at, f.conversation_id LIMIT 2 OFFSET ?`,
    )
    .bind(...where.params, ...a.params, limit - 1)
    .all<{ created_at: number; conversation_id: string }>();
  const [last, beyond] = rows.results;
  return last && beyond ? cursorText({ createdAt: last.created_at, id: last.conversation_id }) : null;
}

/** One row per conversation, oldest first, read from D1 `PAGE` rows at a time while it streams. */
export function conversationsCsv(db: D1Database, scope: ReportScope, from: CsvCursor, limit: number): ReadableStream<Uint8Array> {
  const where = whereOf(scope);
  let left = limit;
  return csvStream(csvLine(CONVERSATION_COLUMNS), { cursor: from }, async ({ cursor }) => {
    const a = after(cursor);
    const take = Math.min(PAGE, left);
    const { results } = await db
      .prepare(
        `SELECT f.conversation_id, f.created_at, ch.name AS channel, ag.name AS agent, ct.name AS contact_name, ct.email AS contact_email,
         ac.name AS account, f.topic, f.accepted_at, f.first_agent_reply_at, f.ended_at, f.ended_reason, f.wait_ms, f.first_response_ms,
         f.resolution_ms, f.satisfied, f.rating, f.comment, f.reopened,
         (SELECT group_concat(name, '; ') FROM (SELECT l.name FROM conversation_labels cl JOIN labels l ON l.workspace_id = cl.workspace_id AND l.id = cl.label_id
           WHERE cl.workspace_id = f.workspace_id AND cl.conversation_id = f.conversation_id ORDER BY l.name COLLATE NOCASE)) AS labels
         FROM conversation_facts f
         LEFT JOIN channels ch ON ch.workspace_id = f.workspace_id AND ch.id = f.channel_id
         LEFT JOIN agents ag ON ag.workspace_id = f.workspace_id AND ag.id = f.agent_id
         LEFT JOIN contacts ct ON ct.workspace_id = f.workspace_id AND ct.id = f.contact_id
         LEFT JOIN accounts ac ON ac.workspace_id = f.workspace_id AND ac.id = ct.account_id
         WHERE ${where.sql} AND f.deleted_at IS NULL${a.sql} ORDER BY f.created_at, f.conversation_id LIMIT ?`,
      )
      .bind(...where.params, ...a.params, take)
      .all<ConversationRow>();
    left -= results.length;
    const lines = results.map((r) =>
      csvLine([
        r.conversation_id, r.channel, r.agent, r.contact_name, r.contact_email, r.account, r.topic, r.labels,
        iso(r.created_at), iso(r.accepted_at), iso(r.first_agent_reply_at), iso(r.ended_at), r.ended_reason,
        seconds(r.wait_ms), seconds(r.first_response_ms), seconds(r.resolution_ms),
        r.satisfied === null ? null : r.satisfied === 1, r.rating, r.comment, r.reopened,
      ]),
    );
    const last = results.at(-1);
    const done = results.length < take || left === 0 || !last;
    return { lines, next: done ? null : { cursor: { createdAt: last.created_at, id: last.conversation_id } } };
  });
}
