import { sleep } from "./dev-server.ts";
import type { MemorySampler } from "./proc.ts";
import { mb, summarize, type Latency } from "./stats.ts";
import type { Socket } from "./ws-client.ts";

/**
 * The load itself, the same for Parley and for the bare forwarder: conversations of two sockets
 * each (Parley: the visitor and the agent), `send` frames that carry their send time in the body
 * and a clientId unique to the run, and a listener on every socket that times each message when
 * it reaches the other party.
 */

export type Pair = { sides: [Socket, Socket] };
type Side = 0 | 1;
type Delivery = { clientId: string; latencyMs: number; receivedAt: number; pair: number; senderSide: Side };

const ID_PREFIX = "bench";
const FILLER = " Hello! A question about this month's invoice: the VAT line looks wrong to me.";

/**
 * Everything one server was sent and delivered over the whole run, so that a message that
 * arrives after its phase ended still counts as delivered, and one that arrives twice as a
 * duplicate, whenever it happens.
 */
export class Ledger {
  sent = 0;
  readonly delivered = new Set<string>();
  duplicates = 0;
  acked = 0;
  errors = 0;
  firstError: string | null = null;
  onDelivery: ((d: Delivery) => void) | null = null;

  watch(pairs: Pair[]): void {
    pairs.forEach((pair, p) =>
      pair.sides.forEach((socket, side) =>
        socket.listen((frame) => {
          if (frame.type === "message" || frame.type === "send") {
            const { clientId, body } = frame.type === "message" ? frame.message : frame;
            if (!clientId.startsWith(ID_PREFIX)) return;
            if (this.delivered.has(clientId)) {
              this.duplicates++;
              return;
            }
            this.delivered.add(clientId);
            const receivedAt = performance.now();
            const latencyMs = receivedAt - Number.parseFloat(body);
            this.onDelivery?.({ clientId, latencyMs, receivedAt, pair: p, senderSide: side === 0 ? 1 : 0 });
          } else if (frame.type === "ack") {
            if (frame.clientId.startsWith(ID_PREFIX)) this.acked++;
          } else if (frame.type === "error") {
            this.errors++;
            this.firstError ??= `${frame.code}: ${frame.message}`;
          }
        }),
      ),
    );
  }

  get undelivered(): number {
    return this.sent - this.delivered.size;
  }
}

export type Target = { name: string; pairs: Pair[]; sampler: MemorySampler; ledger: Ledger; cpuMs: () => number };

export type LoadMode = { kind: "open"; ratePerS: number } | { kind: "closed"; window: number };
type PhaseOptions = { mode: LoadMode; durationMs: number; warmupMs: number };

export type PhaseResult = {
  target: string;
  mode: "open" | "closed";
  conversations: number;
  /** Open loop: messages/s offered; closed loop: null. */
  offeredPerS: number | null;
  /** Closed loop: messages in flight per socket. */
  window: number | null;
  durationS: number;
  sent: number;
  delivered: number;
  /** Not delivered when the drain gave up (they may still arrive: the run's final count says). */
  undelivered: number;
  duplicates: number;
  /** Seconds after the last send until every message had arrived, or the drain gave up. */
  drainS: number;
  /** Deliveries per second after the warm-up, while sending. */
  deliveredPerS: number;
  /** Fan-out latency, send to the other party's socket, for messages sent after the warm-up. */
  latencyMs: Latency;
  /** CPU time of the server's processes per delivered message. */
  serverCpuMsPerMessage: number | null;
  /** Peak resident memory of the server's workerd processes (runtime and dev proxy), and of the runtime alone. */
  serverPeakRssMb: number | null;
  runtimePeakRssMb: number | null;
  /** The server could not keep up with the offered rate (open loop). */
  saturated: boolean;
};

/** Drain: wait for the stragglers, but give up once nothing arrives for a while. */
const DRAIN_IDLE_MS = 5_000;
const DRAIN_MAX_MS = 30_000;
let phases = 0;

export async function runPhase(target: Target, options: PhaseOptions): Promise<PhaseResult> {
  const { pairs, ledger } = target;
  const { mode, durationMs, warmupMs } = options;
  const tag = `${ID_PREFIX}${(++phases).toString(36)}_${Date.now().toString(36)}_`;
  let sent = 0;
  let delivered = 0;
  const duplicatesBefore = ledger.duplicates;
  let sending = true;
  let deliveredInWindow = 0;
  let lastDelivery = performance.now();
  const latencies: number[] = [];
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const measureTo = started + durationMs;

  const sendOne = (pair: number, side: Side) => {
    const clientId = `${tag}${(sent++).toString(36)}`;
    ledger.sent++;
    pairs[pair]!.sides[side].send({ type: "send", clientId, body: `${performance.now().toFixed(3)}${FILLER}` });
  };
  ledger.onDelivery = (d) => {
    if (!d.clientId.startsWith(tag)) return;
    delivered++;
    lastDelivery = d.receivedAt;
    if (d.receivedAt - d.latencyMs >= measureFrom) latencies.push(d.latencyMs);
    if (d.receivedAt >= measureFrom && d.receivedAt <= measureTo) deliveredInWindow++;
    if (mode.kind === "closed" && sending) sendOne(d.pair, d.senderSide);
  };

  target.sampler.take();
  const cpuBefore = target.cpuMs();
  if (mode.kind === "open") {
    // Message k goes to conversation k mod N, from the visitor and the agent by turns.
    for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - started) {
      const due = Math.floor((mode.ratePerS * elapsed) / 1000);
      while (sent < due) sendOne(sent % pairs.length, Math.floor(sent / pairs.length) % 2 === 0 ? 0 : 1);
      await sleep(1);
    }
  } else {
    for (let p = 0; p < pairs.length; p++) {
      for (let i = 0; i < mode.window; i++) {
        sendOne(p, 0);
        sendOne(p, 1);
      }
    }
    await sleep(durationMs);
  }
  sending = false;
  const stoppedAt = performance.now();
  lastDelivery = Math.max(lastDelivery, stoppedAt);
  while (delivered < sent) {
    const now = performance.now();
    if (now - lastDelivery > DRAIN_IDLE_MS || now - stoppedAt > DRAIN_MAX_MS) break;
    await sleep(20);
  }
  const drainS = (performance.now() - stoppedAt) / 1000;
  ledger.onDelivery = null;
  const cpu = target.cpuMs() - cpuBefore;
  const peak = target.sampler.take();
  const deliveredPerS = Math.round(deliveredInWindow / ((durationMs - warmupMs) / 1000));

  return {
    target: target.name,
    mode: mode.kind,
    conversations: pairs.length,
    offeredPerS: mode.kind === "open" ? mode.ratePerS : null,
    window: mode.kind === "closed" ? mode.window : null,
    durationS: durationMs / 1000,
    sent,
    delivered,
    undelivered: sent - delivered,
    duplicates: ledger.duplicates - duplicatesBefore,
    drainS: Number(drainS.toFixed(1)),
    deliveredPerS,
    latencyMs: summarize(latencies),
    serverCpuMsPerMessage: delivered > 0 && cpu >= 0 ? Number((cpu / delivered).toFixed(2)) : null,
    serverPeakRssMb: peak.totalBytes > 0 ? mb(peak.totalBytes) : null,
    runtimePeakRssMb: peak.runtimeBytes > 0 ? mb(peak.runtimeBytes) : null,
    saturated: mode.kind === "open" && (deliveredPerS < 0.9 * mode.ratePerS || sent - delivered > 0),
  };
}
