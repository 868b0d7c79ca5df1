import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sha256Hex } from "../../worker/auth/encoding";

const root = fileURLToPath(new URL("../..", import.meta.url));
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type DevServer = { url: string; apiKey: string; channelKey: string; identitySecret: string; stop: () => Promise<void> };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });

// Wrangler runs on the same Node as the test (the project's Node 22), never on whatever is on PATH.
const wranglerArgs = (args: string[], persist: string) => [wrangler, ...args, "--local", "--persist-to", persist];
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const step = (args: string[]) => run(process.execPath, args, { cwd: root, env, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });

// wrangler dev starts workerd as its own child: the whole process group goes.
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Every migration in order, recorded in wrangler's own table as `d1 migrations apply` would. */
function migrationsSql(): string {
  const dir = join(root, "migrations");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  return [
    "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);",
    ...files.map((f) => `${readFileSync(join(dir, f), "utf8")}\nINSERT INTO d1_migrations (name) VALUES ('${f}');`),
  ].join("\n");
}

const seedSql = (apiKeyHash: string, identitySecret: string, now: number) => `
INSERT INTO workspaces (id, name, created_at) VALUES ('ws_sdk', 'SDK test', ${now});
INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, identity_secret, created_at)
  VALUES ('ws_sdk', 'ch_sdk', 'sdk', 'Support', '["*"]', '{}', '${identitySecret}', ${now});
INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at)
  VALUES ('ws_sdk', 'ag_sdk', 'agent@sdk.test', 'Ada Agent', 'admin', 'unusable', ${now});
INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at) VALUES ('${apiKeyHash}', 'ws_sdk', 'key_sdk', 'SDK test', ${now});`;

/**
 * A real `wrangler dev` of this repository on a free port, with its own D1 and Durable Object state in
 * a temporary folder: migrations applied, one workspace with a channel, an agent and an API key. Needs
 * dist/ (`npm run build`), which `npm test` builds first.
 */
export async function startDevServer(): Promise<DevServer> {
  if (!existsSync(join(root, "dist", "widget.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  const persist = mkdtempSync(join(tmpdir(), "parley-sdk-"));
  let child: ChildProcess | undefined;
  const onExit = () => child && killGroup(child, "SIGKILL");
  const stop = async () => {
    process.off("exit", onExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      killGroup(child, "SIGTERM");
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) killGroup(child, "SIGKILL");
    }
    rmSync(persist, { recursive: true, force: true, maxRetries: 3 });
  };
  let output = "";
  try {
    const apiKey = `sdk-test-${crypto.randomUUID()}`;
    const identitySecret = `identity-${crypto.randomUUID()}`;
    const seed = join(persist, "seed.sql");
    writeFileSync(seed, `${migrationsSql()}\n${seedSql(await sha256Hex(apiKey), identitySecret, Date.now())}`);
    // One `d1 execute` instead of `d1 migrations apply`, which starts a local database per migration
    // (minutes on a busy machine); the d1_migrations rows are the same, so /healthz agrees.
    await step(wranglerArgs(["d1", "execute", "DB", "--file", seed], persist));

    const port = await freePort();
    const inspectorPort = await freePort();
    child = spawn(
      process.execPath,
      [
        ...wranglerArgs(["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort)], persist),
        "--show-interactive-dev-session=false",
        "--var",
        `TOKEN_SECRET:sdk-test-token-secret-${crypto.randomUUID()}`,
        // No MX lookups: test addresses use reserved domains; the check itself has its Workers tests.
        "--var",
        "DOH_URL:",
      ],
      { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    process.on("exit", onExit);
    const append = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    while (child.exitCode === null && Date.now() < deadline) {
      try {
        if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).ok) return { url, apiKey, channelKey: "sdk", identitySecret, stop };
      } catch {
        // Not listening yet.
      }
      await sleep(250);
    }
    throw new Error("wrangler dev did not answer /healthz with 200 within 90 s");
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  }
}
