import type { Totals } from "./bench.ts";
import type { IdleResult } from "./idle.ts";
import type { PhaseResult } from "./load.ts";
import type { BenchOptions } from "./options.ts";
import type { ProfileSummary } from "./profile.ts";
import type { QueryTiming } from "./query-timings.ts";
import type { Sizes } from "./sizes.ts";
import type { ConnectStats } from "./targets.ts";

export type BenchReport = {
  options: BenchOptions;
  machine: Record<string, unknown>;
  connect: { parley: ConnectStats; forwarder: ConnectStats; durable: ConnectStats };
  phases: PhaseResult[];
  totals: { parley: Totals; forwarder: Totals; durable: Totals };
  comparisonRate: number;
  idle: IdleResult[];
  inbox: QueryTiming[];
  history: QueryTiming[];
  sizes: Sizes | null;
  profile: ProfileSummary | null;
};

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? null : Number((a / b).toFixed(2));
const fmt = (n: number | null | undefined, digits = 1) => (n === null || n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits));
const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i] ?? 8)).join(" ");

/** Prints the human table, then the figures and ratios as one JSON line (the run's last line). */
export function printReport(report: BenchReport): void {
  const { phases, totals, comparisonRate, options } = report;
  const find = (target: string, mode: "open" | "closed", rate?: number) =>
    phases.find((p) => p.target === target && p.mode === mode && (rate === undefined || p.offeredPerS === rate));
  const closed = { parley: find("parley", "closed"), forwarder: find("forwarder", "closed"), durable: find("durable", "closed") };
  const rates = [...new Set(phases.filter((p) => p.mode === "open").map((p) => p.offeredPerS!))].sort((a, b) => a - b);
  const latencyRatiosTo = (limit: string) =>
    rates.map((rate) => {
      const p = find("parley", "open", rate);
      const f = find(limit, "open", rate);
      return { offeredPerS: rate, p50Ratio: ratio(p?.latencyMs.p50, f?.latencyMs.p50), p99Ratio: ratio(p?.latencyMs.p99, f?.latencyMs.p99) };
    });
  const latencyRatios = latencyRatiosTo("forwarder");
  const vsDurable = {
    throughputRatio: ratio(closed.parley?.deliveredPerS, closed.durable?.deliveredPerS),
    latencyRatios: latencyRatiosTo("durable"),
  };
  const throughputRatio = ratio(closed.parley?.deliveredPerS, closed.forwarder?.deliveredPerS);
  const p99RatioAtComparison = latencyRatios.find((r) => r.offeredPerS === comparisonRate)?.p99Ratio ?? null;
  const targets = {
    throughputRatio: { value: throughputRatio, target: "≥ 0.7", met: throughputRatio !== null && throughputRatio >= 0.7 },
    p99RatioAt1000: {
      value: p99RatioAtComparison,
      target: `≤ 2 at ${comparisonRate} msg/s over 50 conversations`,
      met: p99RatioAtComparison !== null && p99RatioAtComparison <= 2 && options.conversations === 50,
    },
    loss: { value: totals.parley.lost, target: "0", met: totals.parley.lost === 0 },
    duplicates: { value: totals.parley.duplicates, target: "0", met: totals.parley.duplicates === 0 },
  };

  const out: string[] = [];
  const m = report.machine;
  out.push(`Parley vs the bare forwarder (the runtime's limit) and the durable forwarder (stores each frame first)`);
  out.push(`wrangler dev, ${m.cpus} × ${m.cpuModel}, persist in ${String(m.persistRoot)}, load average ${String(m.loadAverageAtStart)} → ${String(m.loadAverageAtEnd)}`);
  out.push("");
  out.push("Connect (ms)             conversations  start p50  start p99  socket p50  socket p99  total s");
  for (const [name, c] of Object.entries(report.connect)) {
    out.push(row([name, c.conversations, fmt(c.startMs?.p50), fmt(c.startMs?.p99), fmt(c.connectMs.p50), fmt(c.connectMs.p99), fmt(c.totalS)], [10, 22, 10, 10, 11, 11, 8]));
  }
  out.push("");
  const widths = [10, 8, 9, 12, 8, 8, 8, 8, 12, 5, 7, 9, 8];
  out.push(row(["target", "mode", "offered", "delivered/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "undelivered", "dup", "drain s", "cpu ms/msg", "RSS MB"], widths));
  for (const p of phases) {
    out.push(
      row(
        [
          p.target,
          p.mode,
          p.mode === "open" ? p.offeredPerS! : `w=${p.window}`,
          p.deliveredPerS,
          fmt(p.latencyMs.p50),
          fmt(p.latencyMs.p90),
          fmt(p.latencyMs.p99),
          fmt(p.latencyMs.max),
          p.undelivered,
          p.duplicates,
          fmt(p.drainS),
          fmt(p.serverCpuMsPerMessage, 2),
          fmt(p.serverPeakRssMb),
        ],
        widths,
      ),
    );
  }
  out.push("");
  for (const t of Object.values(totals)) {
    out.push(`${t.target.padEnd(10)} whole run: sent ${t.sent}, delivered ${t.delivered}, lost ${t.lost}, duplicates ${t.duplicates}${t.acked === null ? "" : `, acked ${t.acked}`}, errors ${t.errors}${t.firstError ? ` (${t.firstError})` : ""}, peak RSS ${fmt(t.peakRssMb)} MB (runtime ${fmt(t.runtimePeakRssMb)} MB)`);
  }
  out.push(`throughputRatio ${fmt(throughputRatio, 2)} (closed loop: ${closed.parley?.deliveredPerS ?? "–"} ÷ ${closed.forwarder?.deliveredPerS ?? "–"} msg/s)`);
  for (const r of latencyRatios) out.push(`latency ratio at ${r.offeredPerS} msg/s: p50 ${fmt(r.p50Ratio, 2)}, p99 ${fmt(r.p99Ratio, 2)}`);
  out.push(`against the durable forwarder: throughput ${fmt(vsDurable.throughputRatio, 2)} (${closed.durable?.deliveredPerS ?? "–"} msg/s)`);
  for (const r of vsDurable.latencyRatios) out.push(`  latency ratio at ${r.offeredPerS} msg/s: p50 ${fmt(r.p50Ratio, 2)}, p99 ${fmt(r.p99Ratio, 2)}`);
  for (const [name, t] of Object.entries(targets)) out.push(`target ${name} ${t.target}: ${t.value ?? "–"} ${t.met ? "met" : "MISSED"}`);
  if (report.idle.length > 0) {
    out.push("");
    for (const i of report.idle) {
      out.push(
        `idle ${i.target.padEnd(9)} ${i.conversations} conversations: RSS ${fmt(i.baselineMb)} MB before, ${fmt(i.openedMb)} MB open, ${fmt(i.settledMb)} MB after ${i.settleS}s ` +
          `= ${fmt(i.perConversationKb)} KB per conversation (runtime alone ${fmt(i.runtimeBaselineMb)} → ${fmt(i.runtimeSettledMb)} MB = ${fmt(i.runtimePerConversationKb)} KB; ` +
          `${fmt(i.runtimeWokenMb)} MB once every room is woken)`,
      );
    }
  }
  for (const [title, timings] of [["inbox", report.inbox], ["history", report.history]] as const) {
    if (timings.length === 0) continue;
    out.push("");
    const size = title === "inbox" ? `${options.inbox} conversations` : `${options.history} messages`;
    out.push(`${title} over ${size} (median of 7, HTTP/socket round trip):`);
    for (const t of timings) out.push(`  ${fmt(t.medianMs).padStart(7)} ms  ${t.rows} rows  ${t.query}`);
  }
  if (report.sizes) {
    out.push("");
    out.push(`Worker bundle (wrangler deploy --dry-run): ${report.sizes.workerBundleKb} KB, ${report.sizes.workerBundleGzipKb} KB gzipped`);
    out.push(report.sizes.widgetReport);
  }
  if (report.profile) {
    out.push("");
    out.push(`CPU profile of Parley's isolate at ${comparisonRate} msg/s: ${report.profile.busyMs} ms busy of ${report.profile.sampledMs} ms`);
    out.push("  total%  self%  function (bundle position)");
    for (const h of report.profile.byTotal) out.push(`  ${fmt(h.totalPct).padStart(6)} ${fmt(h.selfPct).padStart(6)}  ${h.fn}`);
  }
  console.log(out.join("\n"));

  const summary = (target: keyof BenchReport["totals"]) => ({
    connect: report.connect[target],
    saturation: find(target, "closed") ?? null,
    openLoop: phases.filter((p) => p.target === target && p.mode === "open"),
    totals: totals[target],
    idle: report.idle.find((i) => i.target === target) ?? null,
  });
  console.log(
    JSON.stringify({
      bench: "parley",
      machine: report.machine,
      options,
      parley: summary("parley"),
      forwarder: summary("forwarder"),
      durableForwarder: summary("durable"),
      throughputRatio,
      latencyRatios,
      vsDurableForwarder: vsDurable,
      p99RatioAt1000: p99RatioAtComparison,
      targets,
      queries: { inbox: report.inbox, history: report.history },
      sizes: report.sizes && { ...report.sizes, widgetReport: undefined },
      profile: report.profile && { busyMs: report.profile.busyMs, sampledMs: report.profile.sampledMs, top: report.profile.byTotal.slice(0, 15) },
    }),
  );
}
