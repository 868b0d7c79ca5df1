// Seeds the demo workspace into the LOCAL D1 database only: it always passes --local to wrangler,
// so it can never touch a production database.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { hashPassword } from "../worker/auth/password.ts";
import { sha256Hex } from "../worker/auth/encoding.ts";

const args = process.argv.slice(2);
const persistIndex = args.indexOf("--persist-to");
const persistArgs = persistIndex >= 0 ? ["--persist-to", args[persistIndex + 1]] : [];

// Local secrets: made once, kept out of git. Production sets TOKEN_SECRET with `wrangler secret put`.
if (!existsSync(".dev.vars") || !readFileSync(".dev.vars", "utf8").includes("TOKEN_SECRET=")) {
  writeFileSync(".dev.vars", `PARLEY_ENV=development\nTOKEN_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log("wrote .dev.vars with a fresh local TOKEN_SECRET");
}

const now = Date.now();
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const sql = `
INSERT INTO workspaces (id, name, created_at) VALUES ('ws_demo', 'Demo Accounting Office', ${now}) ON CONFLICT DO NOTHING;
INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at)
  VALUES ('ws_demo', 'ch_demo', 'demo', 'Demo support', '["*"]', '{}', ${now}) ON CONFLICT DO NOTHING;
INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at)
  VALUES ('ws_demo', 'ag_demo', 'demo@parley.test', 'Dana Demo', 'admin', ${q(await hashPassword("parley-demo"))}, ${now})
  ON CONFLICT DO NOTHING;
INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at)
  VALUES (${q(await sha256Hex("demo-api-key"))}, 'ws_demo', 'key_demo', 'Demo key', ${now}) ON CONFLICT DO NOTHING;
`;

mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/seed.sql", sql);
execFileSync("wrangler", ["d1", "execute", "DB", "--local", ...persistArgs, "--file", ".wrangler/seed.sql"], {
  stdio: ["ignore", "ignore", "inherit"],
});
console.log("seeded demo workspace: channel 'demo', agent demo@parley.test / parley-demo, API key demo-api-key");
