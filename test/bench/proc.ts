import { readdirSync, readFileSync } from "node:fs";

/**
 * The server's processes as Linux sees them in /proc: `wrangler dev` (Node) starts two workerd
 * processes, the runtime that runs the Worker and its Durable Objects (the one with an inspector)
 * and a dev proxy in front of it that every request and socket passes through. Memory is their
 * resident set, in all and for the runtime alone.
 */

type ProcInfo = { pid: number; ppid: number; comm: string };

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may itself hold spaces or parentheses: split after the last ")".
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    return { pid, ppid, comm };
  } catch {
    return null;
  }
}

/** The process and all its descendants. */
function processTree(root: number): ProcInfo[] {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is ProcInfo => p !== null);
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const tree: ProcInfo[] = [];
  const self = all.find((p) => p.pid === root);
  const queue = self ? [self] : [];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const isRuntime = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr");
  } catch {
    return false;
  }
};

export type Memory = { totalBytes: number; runtimeBytes: number };

/** Resident memory of the workerd processes under `root`. */
function workerdRss(root: number): Memory {
  const workerd = processTree(root).filter((p) => p.comm.startsWith("workerd"));
  return {
    totalBytes: workerd.reduce((sum, p) => sum + rssBytes(p.pid), 0),
    runtimeBytes: workerd.filter((p) => isRuntime(p.pid)).reduce((sum, p) => sum + rssBytes(p.pid), 0),
  };
}

/** Kills `root` and everything under it at once, as a crash would: no signal handlers run. */
export function killTree(root: number): void {
  for (const p of processTree(root).reverse()) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Samples the server's memory and keeps the peaks; `take()` returns the peaks since the last take. */
export class MemorySampler {
  private peak: Memory = { totalBytes: 0, runtimeBytes: 0 };
  private timer: NodeJS.Timeout | null = null;
  private readonly root: () => number | undefined;

  /** `root` names the server's current process: it changes when the server is restarted. */
  constructor(root: () => number | undefined) {
    this.root = root;
  }

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): Memory {
    const pid = this.root();
    const now = pid === undefined ? { totalBytes: 0, runtimeBytes: 0 } : workerdRss(pid);
    this.peak = {
      totalBytes: Math.max(this.peak.totalBytes, now.totalBytes),
      runtimeBytes: Math.max(this.peak.runtimeBytes, now.runtimeBytes),
    };
    return now;
  }

  take(): Memory {
    this.sample();
    const peak = this.peak;
    this.peak = { totalBytes: 0, runtimeBytes: 0 };
    return peak;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** CPU time (user + system) used so far by the workerd processes under `root`, in milliseconds. */
export function workerdCpuMs(root: number): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux.
  return processTree(root)
    .filter((p) => p.comm.startsWith("workerd"))
    .reduce((sum, p) => {
      try {
        const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return sum + (Number(fields[11]) + Number(fields[12])) * tick;
      } catch {
        return sum;
      }
    }, 0);
}
