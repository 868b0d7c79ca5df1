import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { killTree } from "./proc.ts";

/**
 * `wrangler dev` instances of our own, each on a free port with its own persist dir, so that a
 * benchmark never touches the lead's server (8787) or another engineer's.
 */

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const wranglerBin = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");
const STARTUP_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 300_000;

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no free port"));
      server.close(() => resolve(address.port));
    });
  });
}

export const tempDir = (prefix: string, root = tmpdir()) => mkdtemp(join(root, prefix));
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true, maxRetries: 3 });

/** Runs a Node script to completion; rejects with its output when it fails. */
export function runNode(description: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: repoRoot, env: childEnv, timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${description} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`);
      },
    );
    child.stdin?.end();
  });
}

export const wrangler = (description: string, args: string[]) => runNode(description, [wranglerBin, ...args]);

/** The front ends are built when dist/ is missing (a fresh clone); an existing build is used as it is. */
async function ensureBuilt(): Promise<void> {
  if (!existsSync(join(repoRoot, "dist", "widget.js"))) await runNode("npm run build", [join(repoRoot, "scripts", "build-widget.mjs")]);
}

export type PreparedParley = { persistDir: string; config: string; bundleDir: string };

/**
 * Everything a Parley server needs under `dir`: a fresh database (migrations and the demo
 * workspace: agent, channel `demo`, API key) and a snapshot of the app to serve.
 */
export async function prepareParley(dir: string): Promise<PreparedParley> {
  await ensureBuilt();
  const persistDir = join(dir, "state");
  await wrangler("wrangler d1 migrations apply", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);
  await runNode("scripts/seed-local.mjs", [join(repoRoot, "scripts", "seed-local.mjs"), "--persist-to", persistDir]);
  return { persistDir, ...(await snapshotParley(join(dir, "snapshot"))) };
}

/**
 * Parley as it is now, frozen: the Worker bundled once (`wrangler deploy --dry-run`, which is also
 * what the bundle size is read from), the built front ends and the local secrets copied beside a
 * copy of wrangler.jsonc. `wrangler dev` reloads whenever the sources or dist/ change, and other
 * people edit and rebuild this tree while a benchmark runs; a reload drops every socket.
 */
async function snapshotParley(dir: string): Promise<{ config: string; bundleDir: string }> {
  const bundleDir = join(dir, "bundle");
  await wrangler("wrangler deploy --dry-run", ["deploy", "--dry-run", "--outdir", bundleDir]);
  await cp(join(repoRoot, "dist"), join(dir, "assets"), { recursive: true });
  const devVars = join(repoRoot, ".dev.vars");
  if (existsSync(devVars)) await cp(devVars, join(dir, ".dev.vars"));
  // wrangler.jsonc keeps its comments on lines of their own, so dropping those lines leaves JSON.
  const jsonc = await readFile(join(repoRoot, "wrangler.jsonc"), "utf8");
  const parsed = JSON.parse(jsonc.split("\n").filter((line) => !line.trim().startsWith("//")).join("\n")) as { main: string; assets: { directory: string } };
  parsed.main = join(bundleDir, "index.js");
  parsed.assets.directory = join(dir, "assets");
  const config = join(dir, "wrangler.json");
  await writeFile(config, JSON.stringify(parsed, null, 2));
  return { config, bundleDir };
}

export type DevServerOptions = {
  /** Wrangler config to serve; the repo's own (Parley) when absent. */
  config?: string;
  /** The config's `main` is already bundled (a snapshot). */
  noBundle?: boolean;
  persistDir: string;
  vars?: Record<string, string>;
  /** Extra environment for wrangler itself. */
  env?: Record<string, string>;
  /** A path that answers 2xx–4xx once the Worker is up. */
  readyPath: string;
};

export class DevServer {
  readonly options: DevServerOptions;
  port = 0;
  /** Chrome DevTools protocol for the Worker's isolate (wrangler's inspector proxy). */
  inspectorPort = 0;
  private child: ChildProcess | null = null;
  private output = "";
  private exited: Promise<void> = Promise.resolve();
  private cleanupRegistered = false;

  constructor(options: DevServerOptions) {
    this.options = options;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts `wrangler dev` on a free port, or on the port it had before (a restart), and waits until it answers. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    this.inspectorPort = await freePort();
    const { config, persistDir, vars = {} } = this.options;
    const args = [
      wranglerBin,
      "dev",
      ...(config ? ["--config", config] : []),
      ...(this.options.noBundle ? ["--no-bundle"] : []),
      "--port",
      String(this.port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(this.inspectorPort),
      "--persist-to",
      persistDir,
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ];
    this.output = "";
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...childEnv, ...this.options.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-100_000);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    let exitInfo: string | null = null;
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        exitInfo = `exited with code ${code} signal ${signal}`;
        resolve();
      }),
    );
    if (!this.cleanupRegistered) {
      this.cleanupRegistered = true;
      process.on("exit", () => this.child?.pid !== undefined && killTree(this.child.pid));
    }

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (exitInfo) throw new Error(`wrangler dev ${exitInfo} before serving ${this.baseUrl}\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}${this.options.readyPath}`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status < 500) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer on ${this.baseUrl} in time\n${this.output}`);
      await sleep(300);
    }
  }

  /** `kill -9` of wrangler and workerd together: nothing gets to flush or say goodbye. */
  async crash(): Promise<void> {
    if (this.child?.pid !== undefined) killTree(this.child.pid);
    await Promise.race([this.exited, sleep(10_000)]);
    this.child = null;
  }

  /** The benchmark's data is thrown away, so stopping needs no more grace than a crash. */
  stop(): Promise<void> {
    return this.crash();
  }

  log(): string {
    return this.output;
  }
}
