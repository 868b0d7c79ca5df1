import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { DevServer, prepareParley, removeDir, repoRoot, sleep, tempDir, type PreparedParley } from "./dev-server.ts";
import { fillRoom, seedInbox } from "./fixtures.ts";
import { measureIdle, type IdleResult } from "./idle.ts";
import { Ledger, runPhase, type LoadMode, type PhaseResult, type Target } from "./load.ts";
import { benchOptions, HELP, type BenchOptions } from "./options.ts";
import { Agent, startConversation } from "./parley-client.ts";
import { MemorySampler, workerdCpuMs } from "./proc.ts";
import { profileWhile, type ProfileSummary } from "./profile.ts";
import { timeHistory, timeInbox, timeReports, type QueryTiming } from "./query-timings.ts";
import { printReport } from "./report.ts";
import { measureSizes, type Sizes } from "./sizes.ts";
import { forwarderPairs, parleyPairs, type ConnectStats } from "./targets.ts";

/**
 * `npm run bench`: Parley against the bare forwarder (the runtime's limit), and against a forwarder
 * that also stores each frame (the limit for a durable chat), under the same load, in one run on
 * this machine. Progress goes to stderr; the table and, last, one JSON line to stdout.
 */

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The target rate for the latency comparison (issue 6): p99 at 1,000 messages/s over 50 conversations. */
const COMPARISON_RATE = 1000;

/**
 * wrangler dev records a trace of every event and storage call into a local SQLite store for its
 * dashboard; that is development tooling, not the runtime, and it would charge each SQL statement
 * a second write. Both servers run without it.
 */
const SERVER_ENV = { X_LOCAL_OBSERVABILITY: "false" };

type Side = {
  server: DevServer;
  target: Target;
  connect: ConnectStats;
};

/**
 * The runtime's limit, twice from one server: rooms that only forward, and rooms that also store
 * each frame before forwarding it (the least any durable-before-ack chat must do).
 */
async function startForwarders(options: BenchOptions): Promise<[Side, Side]> {
  const persistDir = await tempDir("parley-bench-forwarder-", options.persistRoot);
  const server = new DevServer({ config: join(repoRoot, "test", "bench", "forwarder", "wrangler.toml"), persistDir, readyPath: "/", env: SERVER_ENV });
  await server.start();
  const sampler = new MemorySampler(() => server.pid);
  sampler.start();
  const side = async (name: string, durable: boolean): Promise<Side> => {
    const { pairs, stats } = await forwarderPairs(server.baseUrl, options.conversations, durable);
    const ledger = new Ledger();
    ledger.watch(pairs);
    return { server, connect: stats, target: { name, pairs, sampler, ledger, cpuMs: () => (server.pid ? workerdCpuMs(server.pid) : 0) } };
  };
  return [await side("forwarder", false), await side("durable", true)];
}

async function startParley(options: BenchOptions): Promise<Side & { agent: Agent; prepared: PreparedParley; dir: string }> {
  const dir = await tempDir("parley-bench-", options.persistRoot);
  const prepared = await prepareParley(dir);
  // The bench's addresses use example.com, which publishes no mail servers: no MX check here.
  const server = new DevServer({ config: prepared.config, noBundle: true, persistDir: prepared.persistDir, readyPath: "/", vars: { DOH_URL: "", RATE_LIMIT_FACTOR: "100000" }, env: SERVER_ENV });
  await server.start();
  const sampler = new MemorySampler(() => server.pid);
  sampler.start();
  const agent = await Agent.signIn(server.baseUrl);
  const { pairs, stats } = await parleyPairs(agent, options.conversations);
  const ledger = new Ledger();
  ledger.watch(pairs);
  return {
    server,
    agent,
    prepared,
    dir,
    connect: stats,
    target: { name: "parley", pairs, sampler, ledger, cpuMs: () => (server.pid ? workerdCpuMs(server.pid) : 0) },
  };
}

export type Totals = {
  target: string;
  sent: number;
  delivered: number;
  lost: number;
  duplicates: number;
  acked: number | null;
  errors: number;
  firstError: string | null;
  peakRssMb: number;
  runtimePeakRssMb: number;
};

function totals(side: Side, peak: { total: number; runtime: number }, acks: boolean): Totals {
  const { ledger } = side.target;
  return {
    target: side.target.name,
    sent: ledger.sent,
    delivered: ledger.delivered.size,
    lost: ledger.undelivered,
    duplicates: ledger.duplicates,
    acked: acks ? ledger.acked : null,
    errors: ledger.errors,
    firstError: ledger.firstError,
    peakRssMb: peak.total,
    runtimePeakRssMb: peak.runtime,
  };
}

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  if (!options) {
    console.log(HELP);
    return;
  }
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    persistRoot: options.persistRoot,
  };
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, load average ${machine.loadAverageAtStart.join(" ")}`);

  log("starting Parley and the bare forwarder (fresh persist dirs, free ports)");
  const [parley, [forwarder, durable]] = await Promise.all([startParley(options), startForwarders(options)]);
  const sides = [parley, forwarder, durable];
  const peaks = new Map<Side, { total: number; runtime: number }>(sides.map((s) => [s, { total: 0, runtime: 0 }]));
  const phases: PhaseResult[] = [];
  const phase = async (side: Side, mode: LoadMode, durationS: number) => {
    const result = await runPhase(side.target, { mode, durationMs: durationS * 1000, warmupMs: options.warmupS * 1000 });
    const peak = peaks.get(side)!;
    peak.total = Math.max(peak.total, result.serverPeakRssMb ?? 0);
    peak.runtime = Math.max(peak.runtime, result.runtimePeakRssMb ?? 0);
    const what = mode.kind === "open" ? `${mode.ratePerS} msg/s offered` : `closed loop, ${mode.window} in flight per socket`;
    log(`${side.target.name.padEnd(9)} ${what}: ${result.deliveredPerS} delivered/s, p50 ${result.latencyMs.p50?.toFixed(1)} ms, p99 ${result.latencyMs.p99?.toFixed(1)} ms, undelivered ${result.undelivered}`);
    phases.push(result);
    return result;
  };

  let profile: ProfileSummary | null = null;
  let idle: IdleResult[] = [];
  let inbox: QueryTiming[] = [];
  let history: QueryTiming[] = [];
  let sizes: Sizes | null = null;
  try {
    log(`warming up ${options.conversations} conversations on each`);
    for (const side of sides) await runPhase(side.target, { mode: { kind: "open", ratePerS: 100 }, durationMs: 3000, warmupMs: 0 });

    for (const side of sides) await phase(side, { kind: "closed", window: options.window }, options.closedDurationS);
    // Rates above one a target could not keep up with are skipped for it (its backlog would only grow),
    // except the comparison rate, which both are always measured at.
    const saturatedAt = new Map<Side, number>();
    for (const rate of [...options.rates].sort((a, b) => a - b)) {
      for (const side of sides) {
        const limit = saturatedAt.get(side);
        if (limit !== undefined && rate !== COMPARISON_RATE) {
          log(`${side.target.name}: skipping ${rate} msg/s (saturated at ${limit})`);
          continue;
        }
        const result = await phase(side, { kind: "open", ratePerS: rate }, options.durationS);
        if (result.saturated && limit === undefined) saturatedAt.set(side, rate);
      }
    }
    if (options.profile) {
      log(`profiling Parley's isolate at ${COMPARISON_RATE} msg/s`);
      profile = await profileWhile(parley.server.inspectorPort, options.durationS * 1000, () =>
        runPhase(parley.target, { mode: { kind: "open", ratePerS: COMPARISON_RATE }, durationMs: options.durationS * 1000, warmupMs: 0 }),
      );
    }
    // Stragglers of an overloaded phase still count as delivered when they come; give them a moment.
    await sleep(3000);
    const [totalsParley, totalsForwarder, totalsDurable] = sides.map((side) => totals(side, peaks.get(side)!, side === parley));
    for (const side of sides) for (const pair of side.target.pairs) for (const s of pair.sides) s.close();

    if (options.idle > 0) {
      log(`${options.idle} idle conversations on each, both sockets open, ${options.idleSettleS}s to settle`);
      idle = [
        // A visitor's "stopped typing" wakes a room and stores nothing; the forwarder forwards anything.
        await measureIdle("parley", parley.target.sampler, options.idle, options.idleSettleS, (n) => parleyPairs(parley.agent, n), { type: "typing", active: false }),
        await measureIdle("forwarder", forwarder.target.sampler, options.idle, options.idleSettleS, (n) => forwarderPairs(forwarder.server.baseUrl, n), { type: "wake" }),
      ];
    }
    await forwarder.server.stop();

    if (options.inbox > 0 || options.history > 0) {
      const long = options.history > 0 ? await startConversation(parley.agent, `history-${Date.now().toString(36)}`) : null;
      log("stopping Parley to write the large data sets");
      parley.agent.close();
      await parley.server.stop();
      if (options.inbox > 0) {
        log(`seeding ${options.inbox} conversations into D1`);
        await seedInbox(parley.prepared.persistDir, options.inbox);
      }
      if (long) {
        log(`filling one conversation to ${options.history} messages`);
        fillRoom(parley.prepared.persistDir, long.id, options.history);
      }
      await parley.server.start();
      const agent = await Agent.signIn(parley.server.baseUrl);
      if (options.inbox > 0) inbox = [...(await timeInbox(agent)), ...(await timeReports(agent))];
      if (long) history = await timeHistory(agent, long.id, options.history);
      agent.close();
    }
    await parley.server.stop();
    if (options.sizes) {
      log("measuring the Worker bundle and the widget");
      sizes = await measureSizes(parley.prepared.bundleDir);
    }

    printReport({
      options,
      machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))) },
      connect: { parley: parley.connect, forwarder: forwarder.connect, durable: durable.connect },
      phases,
      totals: { parley: totalsParley!, forwarder: totalsForwarder!, durable: totalsDurable! },
      comparisonRate: COMPARISON_RATE,
      idle,
      inbox,
      history,
      sizes,
      profile,
    });
  } finally {
    for (const side of sides) await side.server.stop();
    await removeDir(parley.dir);
    await removeDir(forwarder.server.options.persistDir);
    for (const side of sides) side.target.sampler.stop();
  }
}

await main();
