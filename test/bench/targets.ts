import { Agent, connectVisitor, mapLimit, startConversation, wsUrl } from "./parley-client.ts";
import type { Pair } from "./load.ts";
import { summarize, type Latency } from "./stats.ts";
import { openSocket } from "./ws-client.ts";

/** How long it took to get N conversations ready for load. */
export type ConnectStats = {
  conversations: number;
  /** Parley: a visitor's start (HTTP) plus the agent's accept (lobby); the forwarder has no such step. */
  startMs: Latency | null;
  /** From `new WebSocket` to the room's first frame (Parley's `ready`) or, for the forwarder, to `open`. */
  connectMs: Latency;
  totalS: number;
};

const SETUP_CONCURRENCY = 8;
let runs = 0;

/** N Parley conversations, each started by a visitor, accepted by the agent, with both sockets open. */
export async function parleyPairs(agent: Agent, count: number): Promise<{ pairs: Pair[]; stats: ConnectStats }> {
  const started = performance.now();
  const run = `${(++runs).toString(36)}${Date.now().toString(36)}`;
  const starts: number[] = [];
  const connects: number[] = [];
  const pairs = await mapLimit(Array.from({ length: count }, (_, i) => i), SETUP_CONCURRENCY, async (i) => {
    const conversation = await startConversation(agent, `${run}-${i}`);
    starts.push(conversation.startMs);
    const [visitor, agentSide] = await Promise.all([connectVisitor(agent.baseUrl, conversation), agent.connect(conversation.id)]);
    connects.push(visitor.readyMs, agentSide.readyMs);
    return { sides: [visitor.socket, agentSide.socket] } satisfies Pair;
  });
  return {
    pairs,
    stats: { conversations: count, startMs: summarize(starts), connectMs: summarize(connects), totalS: (performance.now() - started) / 1000 },
  };
}

/** N rooms of the bare forwarder, two sockets each; `durable` rooms store each frame before forwarding it. */
export async function forwarderPairs(baseUrl: string, count: number, durable = false): Promise<{ pairs: Pair[]; stats: ConnectStats }> {
  const started = performance.now();
  const run = `${(++runs).toString(36)}${Date.now().toString(36)}`;
  const connects: number[] = [];
  const pairs = await mapLimit(Array.from({ length: count }, (_, i) => i), SETUP_CONCURRENCY, async (i) => {
    const url = wsUrl(baseUrl, `/${durable ? "durable-rooms" : "rooms"}/r${run}-${i}/socket`);
    const sides = await Promise.all([openSocket(url), openSocket(url)]);
    connects.push(...sides.map((s) => s.connectMs));
    return { sides } satisfies Pair;
  });
  return { pairs, stats: { conversations: count, startMs: null, connectMs: summarize(connects), totalS: (performance.now() - started) / 1000 } };
}

export function closePairs(pairs: Pair[]): void {
  for (const pair of pairs) for (const side of pair.sides) side.close();
}
