// Creates a workspace with its first admin and channel, in the remote (production) D1 database or,
// with --local, in the local one. Everything after that is done in the console's Administration.
//
//   npm run create-workspace -- --name "Acme Support" --admin-email you@acme.example \
//     --admin-name "Your Name" --channel-key acme [--origin https://www.acme.example] [--local]
//
// The password is read from the PARLEY_ADMIN_PASSWORD environment variable, never from the command line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MIN_PASSWORD_LENGTH } from "../protocol/limits.ts";
import { hashPassword } from "../worker/auth/password.ts";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    "admin-email": { type: "string" },
    "admin-name": { type: "string" },
    "channel-key": { type: "string" },
    origin: { type: "string", multiple: true, default: [] },
    local: { type: "boolean", default: false },
  },
});

const fail = (message) => {
  console.error(`create-workspace: ${message}`);
  process.exit(2);
};
const password = process.env.PARLEY_ADMIN_PASSWORD ?? "";
if (!values.name) fail("--name is required");
if (!values["admin-email"]?.includes("@")) fail("--admin-email must be an email address");
if (!values["channel-key"] || !/^[a-z0-9-]{1,64}$/.test(values["channel-key"])) fail("--channel-key is 1-64 of a-z, 0-9 and -");
if (password.length < MIN_PASSWORD_LENGTH) fail(`set PARLEY_ADMIN_PASSWORD to a password of at least ${MIN_PASSWORD_LENGTH} characters`);
for (const o of values.origin) if (!/^https?:\/\/[^/]+$/.test(o)) fail(`--origin ${o} must be an origin like https://www.example.com`);

const id = (prefix) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const now = Date.now();
const ws = id("ws");
const sql = `
INSERT INTO workspaces (id, name, created_at) VALUES (${q(ws)}, ${q(values.name)}, ${now});
INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at)
  VALUES (${q(ws)}, ${q(id("ag"))}, ${q(values["admin-email"])}, ${q(values["admin-name"] ?? values["admin-email"])}, 'admin', ${q(await hashPassword(password))}, ${now});
INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at)
  VALUES (${q(ws)}, ${q(id("ch"))}, ${q(values["channel-key"])}, ${q(values.name)}, ${q(JSON.stringify(values.origin))}, '{}', ${now});
`;
const file = join(mkdtempSync(join(tmpdir(), "parley-")), "workspace.sql");
writeFileSync(file, sql);
execFileSync("wrangler", ["d1", "execute", "DB", values.local ? "--local" : "--remote", "--file", file], { stdio: "inherit" });
console.log(`Workspace ${values.name} (${ws}) created. Sign in at /console as ${values["admin-email"]}.`);
