import { openSocket, waitFor } from "./ws-client.ts";

/**
 * A CPU profile of the Worker's isolate (the Worker and its Durable Objects run in one isolate
 * under wrangler dev), taken over the DevTools protocol on wrangler's `--inspector-port`, and
 * boiled down to where the time went.
 */

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
type CdpReply = { id?: number; result?: { profile?: CpuProfile }; error?: { message: string } };

type HotSpot = { fn: string; selfMs: number; totalMs: number; selfPct: number; totalPct: number };
export type ProfileSummary = { sampledMs: number; idleMs: number; busyMs: number; byTotal: HotSpot[]; bySelf: HotSpot[] };

const label = (f: CallFrame) => {
  const file = f.url.split("/").pop() || "(native)";
  return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
};

/** Profiles for `ms` while `during` runs (the load), then summarizes. */
export async function profileWhile(inspectorPort: number, ms: number, during: () => Promise<unknown>): Promise<ProfileSummary> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const target = targets.find((t) => !/proxy/i.test(t.title ?? "")) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  // The inspector proxy accepts DevTools from a local origin only.
  const socket = await openSocket(target.webSocketDebuggerUrl, { origin: "http://127.0.0.1" });
  let nextId = 0;
  const call = async (method: string, params: object = {}) => {
    const id = ++nextId;
    const reply = waitFor(socket, (f) => ((f as CdpReply).id === id ? (f as CdpReply) : undefined), 60_000);
    socket.send({ id, method, params });
    const answer = await reply;
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result;
  };
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  const work = during();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const result = await call("Profiler.stop");
  await work;
  socket.close();
  if (!result?.profile) throw new Error("no profile returned");
  return summarizeProfile(result.profile);
}

function summarizeProfile(profile: CpuProfile, topN = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  let all = 0;
  for (const [id, us] of selfUs) {
    all += us;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === "(idle)" || name === "(program)") {
      idle += us;
      continue;
    }
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    // Inclusive time: once per distinct function on the stack, so recursion is not counted twice.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.functionName === "(root)") continue;
      const k = label(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const busy = all - idle;
  const pct = (us: number) => Number(((100 * us) / Math.max(busy, 1)).toFixed(1));
  const ms = (us: number) => Number((us / 1000).toFixed(1));
  const spot = (fn: string): HotSpot => {
    const s = self.get(fn) ?? 0;
    const t = total.get(fn) ?? 0;
    return { fn, selfMs: ms(s), totalMs: ms(t), selfPct: pct(s), totalPct: pct(t) };
  };
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([fn]) => spot(fn));
  return { sampledMs: ms(all), idleMs: ms(idle), busyMs: ms(busy), byTotal: ranked(total), bySelf: ranked(self) };
}
