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
