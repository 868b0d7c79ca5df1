import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { tmpdir } from "node:os";
import { ResilientClient } from "./chaos-client.ts";
import { DevServer, prepareParley, removeDir, sleep, tempDir } from "./dev-server.ts";
import type { HistoryFrame } from "./frames.ts";
import { Agent, mapLimit, startConversation, visitorSocketUrl, type StartedConversation } from "./parley-client.ts";
import { openSocket, waitFor } from "./ws-client.ts";

/**
 * `npm run chaos`: conversations under load, the whole server `kill -9`ed and restarted on the
 * same storage, several times; then every message is looked for in the rooms' own record.
 */

const log = (message: string) => process.stderr.write(`[chaos] ${message}\n`);
const SETTLE_TIMEOUT_MS = 90_000;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    conversations: { type: "string", default: "20" },
    rate: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    load: { type: "string", default: "6" },
    burst: { type: "string", default: "5" },
    "persist-root": { type: "string", default: tmpdir() },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(`npm run chaos -- [options]
  --conversations N   conversations, a visitor and an agent client each (20)
  --rate N            messages/s in all, open loop (100)
  --rounds N          kill -9 and restart this many times (3)
  --load S            seconds of load before each kill, and after the last restart (6)
  --burst N           messages each client sends just before each kill, to be in flight when it lands (5)
  --persist-root DIR  where the server's fresh --persist-to dir goes (the OS temp dir)`);
  process.exit(0);
}
const conversations = Number(values.conversations);
const rate = Number(values.rate);
const rounds = Number(values.rounds);
const loadS = Number(values.load);
const burst = Number(values.burst);
for (const [name, n] of Object.entries({ conversations, rate, rounds, load: loadS, burst })) {
  if (!Number.isInteger(n) || n < (name === "burst" ? 0 : 1)) throw new Error(`--${name} must be a positive integer`);
}

type Conversation = StartedConversation & { visitor: ResilientClient; agent: ResilientClient };
type Round = {
  round: number;
  /** Messages created by the clients so far. */
  sentBeforeKill: number;
  ackedBeforeKill: number;
  /** In flight or queued when the server died: each must be retried and stored exactly once. */
  unackedAtKill: number;
  /** Written while the server was down: queued by the clients and sent after they resumed. */
  queuedWhileDown: string[];
  restartS: number;
  /** From the kill until every client had resumed. */
  recoveredS: number;
  unacked: string[];
};

const clientsOf = (cs: Conversation[]) => cs.flatMap((c) => [c.visitor, c.agent]);

/** What the room itself holds: every message, through a fresh agent socket, page by page. */
async function roomRecord(agent: Agent, conversationId: string): Promise<{ seq: number; clientId: string }[]> {
  const socket = await openSocket(agent.socketUrl(conversationId), { cookie: agent.cookie });
  const messages: { seq: number; clientId: string }[] = [];
  for (;;) {
    const page = waitFor(socket, (f) => (f.type === "history" ? (f as HistoryFrame) : undefined));
    socket.send({ type: "resume", since: messages.at(-1)?.seq ?? 0 });
    const { messages: batch, more } = await page;
    messages.push(...batch.map((m) => ({ seq: m.seq, clientId: m.clientId })));
    if (!more) break;
  }
  socket.close();
  return messages;
}

async function waitUntil(what: string, done: () => boolean): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > SETTLE_TIMEOUT_MS) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const dir = await tempDir("parley-chaos-", values["persist-root"]);
  let server: DevServer | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let all: ResilientClient[] = [];
  try {
    const prepared = await prepareParley(dir);
    server = new DevServer({
      config: prepared.config,
      noBundle: true,
      persistDir: prepared.persistDir,
      readyPath: "/",
      vars: { DOH_URL: "", RATE_LIMIT_FACTOR: "100000" },
      env: { X_LOCAL_OBSERVABILITY: "false" },
    });
    await server.start();
    log(`${conversations} conversations, ${rate} messages/s in all, ${rounds} rounds of kill -9 every ${loadS}s`);
    const agent = await Agent.signIn(server.baseUrl);
    const run = Date.now().toString(36);
    const convs: Conversation[] = await mapLimit(Array.from({ length: conversations }, (_, i) => i), 8, async (i) => {
      const started = await startConversation(agent, `chaos-${run}-${i}`);
      const visitor = new ResilientClient(`v${i}-${run}`, (onClose) => openSocket(visitorSocketUrl(agent.baseUrl, started), {}, onClose));
      const agentSide = new ResilientClient(`a${i}-${run}`, (onClose) => openSocket(agent.socketUrl(started.id), { cookie: agent.cookie }, onClose));
      return { ...started, visitor, agent: agentSide };
    });
    agent.close();
    all = clientsOf(convs);
    await Promise.all(all.map((c) => c.connect()));
    await waitUntil("every client is live", () => all.every((c) => c.isLive));

    // Open loop: message k from client k mod 2N, whether or not its socket is up (it queues).
    let k = 0;
    const started = performance.now();
    ticker = setInterval(() => {
      const due = Math.floor((rate * (performance.now() - started)) / 1000);
      for (; k < due; k++) all[k % all.length]!.send(`chaos message ${k}`);
    }, 5);

    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      await sleep(loadS * 1000);
      // A burst from every client just before the kill, so that many messages are in flight when it lands.
      for (let i = 0; i < burst; i++) for (const c of all) c.send(`burst ${round}.${i}`);
      const unacked = all.flatMap((c) => c.record.pending.map((p) => p.clientId));
      const sent = all.reduce((n, c) => n + c.record.created.length, 0);
      const acked = all.reduce((n, c) => n + c.record.acks.size, 0);
      log(`round ${round}: kill -9 with ${sent} sent, ${acked} acknowledged, ${unacked.length} not yet`);
      const killedAt = performance.now();
      const createdAtKill = all.map((c) => c.record.created.length);
      await server.crash();
      await server.start();
      const restartS = (performance.now() - killedAt) / 1000;
      await waitUntil("every client has resumed", () => all.every((c) => c.isLive));
      const recoveredS = (performance.now() - killedAt) / 1000;
      const queuedWhileDown = all.flatMap((c, i) => c.record.created.slice(createdAtKill[i]));
      log(`round ${round}: restarted in ${restartS.toFixed(1)}s, every client resumed after ${recoveredS.toFixed(1)}s`);
      results.push({ round, sentBeforeKill: sent, ackedBeforeKill: acked, unackedAtKill: unacked.length, queuedWhileDown, restartS, recoveredS, unacked });
    }
    await sleep(loadS * 1000);
    clearInterval(ticker);
    ticker = null;
    await waitUntil("every message is acknowledged", () => all.every((c) => c.record.pending.length === 0));
    // The other side's copy of the last messages may still be on its way.
    await sleep(1000);

    log("reading every room's record");
    const checker = await Agent.signIn(server.baseUrl);
    const verdict = { messages: 0, missing: 0, duplicates: 0, gaps: 0, outOfOrder: 0, ackSeqMismatch: 0, clientViewMismatch: 0, refused: 0, clientGaps: 0 };
    const storedCount = new Map<string, number>();
    for (const c of convs) {
      const record = await roomRecord(checker, c.id);
      verdict.messages += record.length;
      const seqOf = new Map<string, number>();
      record.forEach((m, i) => {
        if (m.seq !== i + 1) verdict.gaps++;
        storedCount.set(m.clientId, (storedCount.get(m.clientId) ?? 0) + 1);
        seqOf.set(m.clientId, m.seq);
      });
      for (const client of [c.visitor, c.agent]) {
        const r = client.record;
        verdict.refused += r.refused.length;
        verdict.clientGaps += r.gaps + r.conflicts + r.ackConflicts;
        let previous = 0;
        for (const id of r.created) {
          const n = storedCount.get(id) ?? 0;
          if (n === 0) verdict.missing++;
          if (n > 1) verdict.duplicates += n - 1;
          const seq = seqOf.get(id);
          if (seq !== undefined && seq < previous) verdict.outOfOrder++;
          previous = seq ?? previous;
          const acked = r.acks.get(id);
          if (acked !== undefined && acked !== seq) verdict.ackSeqMismatch++;
        }
        // Both sides hold the same conversation: the same clientId at every seq.
        for (const m of record) if (r.log.get(m.seq) !== m.clientId) verdict.clientViewMismatch++;
      }
    }
    checker.close();

    const perRound = results.map((r) => ({
      round: r.round,
      sentBeforeKill: r.sentBeforeKill,
      ackedBeforeKill: r.ackedBeforeKill,
      unackedAtKill: r.unackedAtKill,
      retriedStoredOnce: r.unacked.filter((id) => storedCount.get(id) === 1).length,
      queuedWhileDown: r.queuedWhileDown.length,
      queuedStoredOnce: r.queuedWhileDown.filter((id) => storedCount.get(id) === 1).length,
      restartS: Number(r.restartS.toFixed(1)),
      recoveredS: Number(r.recoveredS.toFixed(1)),
    }));
    const sent = all.reduce((n, c) => n + c.record.created.length, 0);
    const acked = all.reduce((n, c) => n + c.record.acks.size, 0);
    const ok =
      verdict.missing === 0 &&
      verdict.duplicates === 0 &&
      verdict.gaps === 0 &&
      verdict.outOfOrder === 0 &&
      verdict.ackSeqMismatch === 0 &&
      verdict.clientViewMismatch === 0 &&
      verdict.clientGaps === 0 &&
      verdict.refused === 0 &&
      perRound.every((r) => r.retriedStoredOnce === r.unackedAtKill && r.queuedStoredOnce === r.queuedWhileDown);

    console.log(
      `Crash and recovery: ${conversations} conversations, ${rate} msg/s and a burst of ${burst} per client before each kill, ` +
        `kill -9 of wrangler + workerd every ${loadS}s, ${rounds} rounds`,
    );
    const widths = [5, 17, 18, 16, 21, 18, 20, 10, 14];
    console.log(
      ["round", "sent before kill", "acked before kill", "unacked at kill", "retried, stored once", "queued while down", "queued, stored once", "restart s", "all resumed s"]
        .map((h, i) => h.padStart(widths[i]!))
        .join(" "),
    );
    for (const r of perRound) {
      console.log(
        [r.round, r.sentBeforeKill, r.ackedBeforeKill, r.unackedAtKill, r.retriedStoredOnce, r.queuedWhileDown, r.queuedStoredOnce, r.restartS, r.recoveredS]
          .map((v, i) => String(v).padStart(widths[i]!))
          .join(" "),
      );
    }
    console.log(
      `in all: ${sent} sent, ${acked} acknowledged, ${sent - acked} stored but their ack lost in a crash (found in history, not resent), ` +
        `${verdict.messages} stored (with system lines); missing ${verdict.missing}, duplicates ${verdict.duplicates}, seq gaps ${verdict.gaps}, ` +
        `out of order ${verdict.outOfOrder}, ack seq ≠ stored seq ${verdict.ackSeqMismatch}, client view ≠ room ${verdict.clientViewMismatch}, client-side gaps/conflicts ${verdict.clientGaps}, refused ${verdict.refused}: ${ok ? "PASS" : "FAIL"}`,
    );
    console.log(JSON.stringify({ chaos: "parley", ok, conversations, ratePerS: rate, burst, rounds: perRound, sent, acked, ackLostFoundInHistory: sent - acked, ...verdict, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) }));
    if (!ok) process.exitCode = 1;
  } finally {
    if (ticker) clearInterval(ticker);
    for (const c of all) c.stop();
    await server?.stop();
    await removeDir(dir);
  }
}

await main();
