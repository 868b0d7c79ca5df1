import { sleep } from "./dev-server.ts";
import type { Pair } from "./load.ts";
import type { MemorySampler } from "./proc.ts";
import { mb } from "./stats.ts";
import { closePairs, type ConnectStats } from "./targets.ts";

export type IdleResult = {
  target: string;
  conversations: number;
  /** Server memory (runtime and dev proxy, then the runtime alone) before the idle conversations were opened. */
  baselineMb: number | null;
  runtimeBaselineMb: number | null;
  /** Right after the last socket opened. */
  openedMb: number | null;
  /** After `settleS` seconds with every socket open and nothing said: hibernation should have evicted the rooms. */
  settledMb: number | null;
  runtimeSettledMb: number | null;
  /** After one frame to every room: what waking them all costs is what hibernation had given back. */
  runtimeWokenMb: number | null;
  settleS: number;
  /** (settled − baseline) ÷ conversations. */
  perConversationKb: number | null;
  runtimePerConversationKb: number | null;
  connect: ConnectStats;
};

/** Time for every room to handle the frame that wakes it. */
const WAKE_MS = 3000;

/**
 * Opens `count` conversations with both sockets, lets them sit, reads the server's memory, then
 * wakes every room with one frame that stores nothing (`wake`) and reads it again.
 */
export async function measureIdle(
  target: string,
  sampler: MemorySampler,
  count: number,
  settleS: number,
  open: (count: number) => Promise<{ pairs: Pair[]; stats: ConnectStats }>,
  wake: object,
): Promise<IdleResult> {
  const baseline = sampler.sample();
  const { pairs, stats } = await open(count);
  const opened = sampler.sample();
  await sleep(settleS * 1000);
  const settled = sampler.sample();
  for (const pair of pairs) pair.sides[0].send(wake);
  await sleep(WAKE_MS);
  const woken = sampler.sample();
  closePairs(pairs);
  const perConversation = (after: number, before: number) => (count > 0 ? Number(((after - before) / 1024 / count).toFixed(1)) : null);
  return {
    target,
    conversations: count,
    baselineMb: mb(baseline.totalBytes),
    runtimeBaselineMb: mb(baseline.runtimeBytes),
    openedMb: mb(opened.totalBytes),
    settledMb: mb(settled.totalBytes),
    runtimeSettledMb: mb(settled.runtimeBytes),
    runtimeWokenMb: mb(woken.runtimeBytes),
    settleS,
    perConversationKb: perConversation(settled.totalBytes, baseline.totalBytes),
    runtimePerConversationKb: perConversation(settled.runtimeBytes, baseline.runtimeBytes),
    connect: stats,
  };
}
