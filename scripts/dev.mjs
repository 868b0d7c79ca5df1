// `npm run dev`: the demo as `npm start` serves it, with both front ends rebuilt whenever a file of
// theirs changes (wrangler dev already reloads the Worker on its own sources and serves dist/ fresh).
import { spawn } from "node:child_process";
import { watch } from "node:fs";

const run = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });

await run("node", ["scripts/build-widget.mjs"]);
await run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
await run("node", ["scripts/seed-local.mjs"]);

let building = false;
let again = false;
async function rebuild() {
  if (building) return void (again = true);
  building = true;
  try {
    await run("node", ["scripts/build-widget.mjs"]);
  } catch (err) {
    // A syntax error mid-edit: say so and keep watching; the last good build stays served.
    console.error(`[dev] build failed: ${err.message}`);
  } finally {
    building = false;
    if (again) {
      again = false;
      void rebuild();
    }
  }
}

let timer;
for (const dir of ["widget", "protocol"]) {
  watch(dir, { recursive: true }, () => {
    clearTimeout(timer);
    // An editor writes a file in a few steps: wait for the burst to end.
    timer = setTimeout(rebuild, 150);
  });
}

const server = spawn("npx", ["wrangler", "dev", "--port", "8787", "--ip", "127.0.0.1"], { stdio: "inherit" });
server.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
