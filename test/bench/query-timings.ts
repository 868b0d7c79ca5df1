import type { HistoryFrame } from "./frames.ts";
import { DEMO, type Agent } from "./parley-client.ts";
import { median, round } from "./stats.ts";
import { waitFor } from "./ws-client.ts";

/** Each query runs this many times; the median is reported (the first run also warms caches). */
const REPEATS = 7;

export type QueryTiming = { query: string; medianMs: number | null; rows: number };

async function timed(query: string, run: () => Promise<number>): Promise<QueryTiming> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    rows = await run();
    times.push(performance.now() - started);
  }
  return { query, medianMs: round(median(times), 1), rows };
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The console's inbox, as the agent's browser asks for it: HTTP round trips, session check included. */
export async function timeInbox(agent: Agent): Promise<QueryTiming[]> {
  type Page = { conversations: unknown[]; nextCursor: string | null };
  const inbox = (query: string) => () =>
    getJson<Page>(`${agent.baseUrl}/api/console/conversations?${query}`, { cookie: agent.cookie }).then((p) => p.conversations.length);
  const first = await getJson<Page>(`${agent.baseUrl}/api/console/conversations?filter=active&limit=50`, { cookie: agent.cookie });
  const queries = [
    "filter=active&limit=50",
    `filter=active&limit=50&cursor=${encodeURIComponent(first.nextCursor ?? "")}`,
    "filter=all&limit=250",
    "filter=archived&limit=50",
    "filter=active&attention=answered&limit=50",
    "filter=unread&limit=50",
    "filter=all&q=payroll&limit=50",
  ];
  const results: QueryTiming[] = [];
  for (const q of queries) results.push(await timed(`GET /api/console/conversations?${q.replace(/cursor=[^&]+/, "cursor=…")}`, inbox(q)));
  return results;
}

/**
 * Reports over the seeded conversations, as an admin opens them: the whole 100 days the seed spans,
 * by day and by month, and the first page of the conversations CSV.
 */
export async function timeReports(agent: Agent): Promise<QueryTiming[]> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${day(-99)}&to=${day(0)}`;
  const report = (query: string) => () =>
    getJson<{ totals: { started: number } }>(`${agent.baseUrl}/api/console/reports?${query}`, { cookie: agent.cookie }).then((r) => r.totals.started);
  const csv = async () => {
    const response = await fetch(`${agent.baseUrl}/api/console/reports/conversations.csv?${range}`, { headers: { cookie: agent.cookie } });
    const text = await response.text();
    if (!response.ok) throw new Error(`conversations.csv: ${response.status} ${text}`);
    return text.split("\n").filter(Boolean).length - 1;
  };
  return [
    await timed(`GET /api/console/reports?${range}&group=day (rows: conversations counted)`, report(`${range}&group=day`)),
    await timed(`GET /api/console/reports?${range}&group=month`, report(`${range}&group=month`)),
    await timed(`GET /api/console/reports/conversations.csv?${range} (first page)`, csv),
  ];
}

/** History pages of one conversation: over the agent's socket (`resume`) and the REST API. */
export async function timeHistory(agent: Agent, conversationId: string, total: number): Promise<QueryTiming[]> {
  const { socket } = await agent.connect(conversationId);
  const page = (since: number) => async () => {
    const history = waitFor(socket, (f) => (f.type === "history" ? (f as HistoryFrame) : undefined));
    socket.send({ type: "resume", since });
    return (await history).messages.length;
  };
  const rest = (since: number) => () =>
    getJson<{ messages: unknown[] }>(`${agent.baseUrl}/api/v1/conversations/${conversationId}/messages?since=${since}&limit=100`, {
      authorization: `Bearer ${DEMO.apiKey}`,
    }).then((p) => p.messages.length);
  const middle = Math.floor(total / 2);
  const results = [
    await timed(`socket resume since=0 (first page)`, page(0)),
    await timed(`socket resume since=${middle}`, page(middle)),
    await timed(`socket resume since=${total - 200} (last page)`, page(total - 200)),
    await timed(`GET /api/v1/conversations/:id/messages?since=${middle}&limit=100`, rest(middle)),
  ];
  socket.close();
  return results;
}
