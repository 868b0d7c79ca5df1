import type { Context } from "hono";
import type { ConversationsCsvQuery, ReportQuery } from "../../protocol/reports";
import type { AppEnv } from "../app-env";
import { enforceLimit } from "../http/rate-limit";
import { conversationsCsv, cursorText, nextCursor, parseCursor, dailyCsv } from "./exports";
import { csvHeaders } from "./csv";
import { buildReport } from "./report";
import { resolveScope, type ReportReader } from "./report-request";

/** What the console and /api/v1 answer alike; each route says who the reader is. */
const charge = (c: Context<AppEnv>, reader: ReportReader) => enforceLimit(c.env, "reports", reader.agent ? `agent:${reader.agent.id}` : `workspace:${reader.workspaceId}`);

export async function reportJson(c: Context<AppEnv>, reader: ReportReader, query: ReportQuery): Promise<Response> {
  await charge(c, reader);
  const { scope, days, own } = await resolveScope(c.env.DB, reader, query);
  const report = await buildReport(c.env.DB, scope, query.group, days);
  return c.json({ ...report, scope: own ? "own" : "all" });
}

export async function dailyCsvResponse(c: Context<AppEnv>, reader: ReportReader, query: ReportQuery): Promise<Response> {
  await charge(c, reader);
  const { scope, days } = await resolveScope(c.env.DB, reader, query);
  const report = await buildReport(c.env.DB, scope, query.group, days);
  return new Response(dailyCsv(report), { headers: csvHeaders(`parley-${query.group}-${days[0]}-${days[1]}.csv`) });
}

/**
 * Streamed, and paged by `limit`: when more rows follow, `Link: <…&after=…>; rel="next"` names the
 * next page, so a client follows links until there is none.
 */
export async function conversationsCsvResponse(c: Context<AppEnv>, reader: ReportReader, query: ConversationsCsvQuery): Promise<Response> {
  await charge(c, reader);
  const { scope, days } = await resolveScope(c.env.DB, reader, query);
  const from = parseCursor(query.after);
  const next = await nextCursor(c.env.DB, scope, from, query.limit);
  const headers: Record<string, string> = csvHeaders(`parley-conversations-${days[0]}-${days[1]}${from ? `-after-${cursorText(from)}` : ""}.csv`);
  if (next) {
    const url = new URL(c.req.url);
    url.searchParams.set("after", next);
    headers.link = `<${url.pathname}${url.search}>; rel="next"`;
  }
  return new Response(conversationsCsv(c.env.DB, scope, from, query.limit), { headers });
}
