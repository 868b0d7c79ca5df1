import { tmpdir } from "node:os";
import { parseArgs } from "node:util";

/** `npm run bench -- --help` lists these; every default keeps a run to a few minutes on 2 cores. */
export const HELP = `npm run bench -- [options]
  --conversations N     conversations under load, two sockets each (50)
  --rates A,B,...       open-loop rates in messages/s over all conversations (500,1000,2000)
  --duration S          seconds per open-loop rate (8)
  --closed-duration S   seconds of closed-loop saturation (10)
  --window N            closed loop: messages in flight per socket (4)
  --warmup S            seconds at the start of each phase left out of the figures (2)
  --idle N              idle conversations for the memory figure (1000; 0 skips)
  --idle-settle S       seconds the idle conversations sit before memory is read (20)
  --inbox N             conversations in the inbox for the query timings (100000; 0 skips)
  --history N           messages in the long conversation for the history timings (100000; 0 skips)
  --persist-root DIR    where the servers' fresh --persist-to dirs go (the OS temp dir)
  --profile             also take a CPU profile of Parley's isolate under load and print where time goes
  --no-sizes            skip the Worker bundle and widget sizes`;

export type BenchOptions = {
  conversations: number;
  rates: number[];
  durationS: number;
  closedDurationS: number;
  window: number;
  warmupS: number;
  idle: number;
  idleSettleS: number;
  inbox: number;
  history: number;
  persistRoot: string;
  profile: boolean;
  sizes: boolean;
};

export function benchOptions(argv: string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      conversations: { type: "string", default: "50" },
      rates: { type: "string", default: "500,1000,2000" },
      duration: { type: "string", default: "8" },
      "closed-duration": { type: "string", default: "10" },
      window: { type: "string", default: "4" },
      warmup: { type: "string", default: "2" },
      idle: { type: "string", default: "1000" },
      "idle-settle": { type: "string", default: "20" },
      inbox: { type: "string", default: "100000" },
      history: { type: "string", default: "100000" },
      "persist-root": { type: "string", default: tmpdir() },
      profile: { type: "boolean", default: false },
      "no-sizes": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return null;
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${value}`);
    return n;
  };
  const options: BenchOptions = {
    conversations: int("conversations", values.conversations, 1),
    rates: values.rates.split(",").map((r) => int("rates", r.trim(), 1)),
    durationS: int("duration", values.duration, 2),
    closedDurationS: int("closed-duration", values["closed-duration"], 2),
    window: int("window", values.window, 1),
    warmupS: int("warmup", values.warmup, 0),
    idle: int("idle", values.idle, 0),
    idleSettleS: int("idle-settle", values["idle-settle"], 0),
    inbox: int("inbox", values.inbox, 0),
    history: int("history", values.history, 0),
    persistRoot: values["persist-root"],
    profile: values.profile,
    sizes: !values["no-sizes"],
  };
  if (options.warmupS >= Math.min(options.durationS, options.closedDurationS)) throw new Error("--warmup must be shorter than every phase");
  if (options.history > 0 && options.history < 400) throw new Error("--history must be at least 400 (pages of 200)");
  return options;
}
