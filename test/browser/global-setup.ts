// Global setup for the browser tests: starts the app the way a user would (migrations, seed,
// `wrangler dev`), but isolated in a fresh temporary persist dir and on a free port.
// `npm test` runs `npm run build` before this, so dist/ already exists; nothing is rebuilt here.
//
// Set PARLEY_BASE_URL (e.g. http://127.0.0.1:8787) to run the tests against a server you started
// yourself instead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    baseUrl: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const wranglerBin = join(repoRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const STARTUP_TIMEOUT_MS = Number(process.env.PARLEY_STARTUP_TIMEOUT_MS ?? 60_000);
// Applying every migration one by one takes minutes on a loaded 2-core machine.
const STEP_TIMEOUT_MS = 300_000;

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  // Put the project's Node (22) first, like `npm run` does.
  PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  CI: 'true',
  WRANGLER_SEND_METRICS: 'false',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion; rejects with its full output when it fails. */
function run(description: string, file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: repoRoot, env: childEnv, timeout: STEP_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `[browser global-setup] ${description} failed: ${error.message}\n` +
                `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
        } else {
          resolve(`${stdout}${stderr}`);
        }
      },
    );
    child.stdin?.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Screenshots always belong to the latest run.
  await rm(fileURLToPath(new URL('./screenshots/', import.meta.url)), { recursive: true, force: true });

  const external = process.env.PARLEY_BASE_URL;
  if (external) {
    project.provide('baseUrl', external.replace(/\/+$/, ''));
    return async () => {};
  }

  const persistDir = await mkdtemp(join(tmpdir(), 'parley-browser-'));
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const onExit = () => {
    if (server) killGroup(server, 'SIGKILL');
  };

  const teardown = async () => {
    process.off('exit', onExit);
    if (server && server.exitCode === null && server.signalCode === null) {
      killGroup(server, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!stopped) {
        killGroup(server, 'SIGKILL');
        await Promise.race([exited, sleep(2_000)]);
      }
    }
    await rm(persistDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await run('wrangler d1 migrations apply', process.execPath, [
      wranglerBin,
      'd1',
      'migrations',
      'apply',
      'DB',
      '--local',
      '--persist-to',
      persistDir,
    ]);
    await run('scripts/seed-local.mjs', process.execPath, [
      join(repoRoot, 'scripts', 'seed-local.mjs'),
      '--persist-to',
      persistDir,
    ]);

    const port = await freePort();
    const inspectorPort = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };

    server = spawn(
      process.execPath,
      [
        wranglerBin,
        'dev',
        '--port',
        String(port),
        '--ip',
        '127.0.0.1',
        '--inspector-port',
        String(inspectorPort),
        '--persist-to',
        persistDir,
        '--show-interactive-dev-session=false',
        // Test addresses use reserved domains that publish no mail servers; the MX check itself is
        // covered by the Workers tests, so the browser tests turn it off.
        '--var',
        'DOH_URL:',
        // Every browser visitor comes from 127.0.0.1, so the per-address limits would meet after a
        // few tests; the limits themselves are covered by the Workers tests.
        '--var',
        'RATE_LIMIT_FACTOR:1000',
      ],
      { cwd: repoRoot, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    process.on('exit', onExit);
    server.stdout?.on('data', append);
    server.stderr?.on('data', append);
    if (process.env.PARLEY_SERVER_LOG) {
      server.stdout?.pipe(process.stdout);
      server.stderr?.pipe(process.stderr);
    }
    const child = server;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let exitInfo: string | undefined;
    child.once('exit', (code, signal) => {
      exitInfo = `exited with code ${code} signal ${signal}`;
    });

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let lastProblem = 'no response yet';
    for (;;) {
      if (exitInfo) {
        throw new Error(`[browser global-setup] wrangler dev ${exitInfo} before serving ${baseUrl}/\n${output}`);
      }
      try {
        const response = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) break;
        lastProblem = `GET / answered ${response.status}`;
      } catch (error) {
        lastProblem = `GET / failed: ${(error as Error).message}`;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `[browser global-setup] wrangler dev did not answer 200 on ${baseUrl}/ within ` +
            `${STARTUP_TIMEOUT_MS} ms (${lastProblem}). Server output:\n${output}`,
        );
      }
      await sleep(500);
    }

    project.provide('baseUrl', baseUrl);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
