// Seeds the demo workspace into the LOCAL D1 database only: it always passes --local to wrangler,
// so it can never touch a production database.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { hashPassword } from "../worker/auth/password.ts";
import { sha256Hex } from "../worker/auth/encoding.ts";
import { HISTORY_DAYS, historySql } from "./seed-history.mjs";
import { visitorContextSql } from "./seed-visitor-context.mjs";

const args = process.argv.slice(2);
const persistIndex = args.indexOf("--persist-to");
const persistArgs = persistIndex >= 0 ? ["--persist-to", args[persistIndex + 1]] : [];

// Local secrets: made once, kept out of git. Production sets TOKEN_SECRET with `wrangler secret put`.
if (!existsSync(".dev.vars") || !readFileSync(".dev.vars", "utf8").includes("TOKEN_SECRET=")) {
  writeFileSync(".dev.vars", `PARLEY_ENV=development\nTOKEN_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log("wrote .dev.vars with a fresh local TOKEN_SECRET");
}

const now = Date.now();

const demoConfig = {
  topics: ["Invoicing", "Payroll", "Taxes", "Something else"],
  preChatFields: [{ key: "company", label: "Company", type: "text", required: false }],
  faqSuggestions: true,
  transcriptEmail: true,
  notificationEmail: "support@parley.test",
};
// Opening hours on no day at all: the channel is always closed, so its ticket form shows.
const closedConfig = {
  openingHours: { timeZone: "Europe/Helsinki", days: {} },
  ticketSubmission: true,
};
const faqs = [
  ["faq_password", "I forgot my password. How do I reset it?", "On the sign-in page choose \"Forgot password\", enter your email and follow the link we send you. The link is valid for one hour."],
  ["faq_receipts", "Where do I upload receipts?", "Open Documents, choose Upload and drag your receipts in. PDF and image files up to 10 MB are accepted."],
  ["faq_payroll", "When is payroll run?", "Payroll is run on the 25th of each month; changes must be in by the 20th."],
  ["faq_vat", "When is the VAT return due?", "The VAT return is due on the 12th day of the second month after the period."],
];
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

// ---- The agent's daily tools: labels (on a few of the history's threads) and saved replies, shared
// and Dana's own, with variables and a Finnish variant. Re-seeding leaves what is there alone.
const labels = [
  ["lb_demo_vat", "VAT", "#2f5bea", "Taxes"],
  ["lb_demo_payroll", "Payroll", "#1f9d55", "Payroll"],
  ["lb_demo_urgent", "Urgent", "#d93025", null],
  ["lb_demo_waiting_docs", "Waiting for documents", "#f5c542", "Invoicing"],
];
const cannedResponses = [
  ["cr_demo_greeting", null, "greeting", "Greeting",
    "Hello {{contact.name}}, thanks for writing to us. I'm {{agent.name}} and I'll help you with this.",
    { fi: "Hei {{contact.name}}, kiitos viestistäsi. Olen {{agent.name}} ja autan sinua tässä." }],
  ["cr_demo_vat_due", null, "vat-due", "VAT return due date",
    "The VAT return is due on the 12th day of the second month after the period. We file it for you once the receipts are in.",
    { fi: "Arvonlisäveroilmoitus on annettava kauden jälkeisen toisen kuukauden 12. päivänä." }],
  ["cr_demo_documents", null, "documents", "Ask for documents",
    "Could you upload the receipts under Documents, {{contact.name}}? We'll confirm to {{contact.email}} once they are in.", {}],
  ["cr_demo_thanks", "ag_demo", "thanks", "Thanks and goodbye",
    "Thank you, {{contact.name}}! If anything else comes up, just reply here. Reference: {{conversation.id}}", {}],
];
// Private notes (issue 12): Mika's note on the newest demo thread mentions Dana, so Dana's console
// shows a "Mentioned you in a note" notification (D1's messages_mention trigger writes it) and the
// thread shows the note apart from the messages. Only once, however often the seed runs.
const notesSql = `INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at, visibility, mentions)
  SELECT c.workspace_id, c.id, COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id), 0) + 1,
    'seed-note-mention', 'agent', 'ag_demo_mika', 'Mika Mäkinen',
    '@Dana Demo this customer asked about the same invoice last month; the refund went through then. Worth checking before answering.',
    c.activity_at + 60000, 'note', '["ag_demo"]'
  FROM conversations c WHERE c.workspace_id = 'ws_demo'
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = 'ws_demo' AND m.client_id = 'seed-note-mention')
  ORDER BY c.activity_at DESC LIMIT 1;`;

// Formatted messages (issue 14): Dana's answer on the newest demo thread uses bold, italics, inline
// code, a numbered list and links, which the console, the widget and emails render by the same
// rules (protocol/message-format.ts). Only once, however often the seed runs.
const formattedSql = `INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at)
  SELECT c.workspace_id, c.id, COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id), 0) + 1,
    'seed-formatted-answer', 'agent', 'ag_demo', 'Dana Demo',
    ${q("Here is **how to send us your receipts**:\n1. Open https://example.com/documents\n2. Choose *Upload* and drop the files in\n- PDF or images, up to `10 MB` each\n- or mail them to mailto:receipts@example.com")},
    c.activity_at + 120000
  FROM conversations c WHERE c.workspace_id = 'ws_demo'
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = 'ws_demo' AND m.client_id = 'seed-formatted-answer')
  ORDER BY c.activity_at DESC LIMIT 1;`;

const dailyToolsSql = [
  ...labels.map(
    ([id, name, color]) =>
      `INSERT INTO labels (workspace_id, id, name, color, created_at) VALUES ('ws_demo', ${q(id)}, ${q(name)}, ${q(color)}, ${now}) ON CONFLICT DO NOTHING;`,
  ),
  // The three newest history threads of each label's topic (and the two newest of all for Urgent).
  ...labels.map(
    ([id, , , topic]) =>
      `INSERT INTO conversation_labels (workspace_id, conversation_id, label_id, created_at)
  SELECT 'ws_demo', id, ${q(id)}, ${now} FROM conversations WHERE workspace_id = 'ws_demo' AND id LIKE 'cv_hist_%'
  ${topic ? `AND topic = ${q(topic)}` : ""} ORDER BY created_at DESC LIMIT ${topic ? 3 : 2} ON CONFLICT DO NOTHING;`,
  ),
  ...cannedResponses.map(
    ([id, owner, shortcut, title, body, variants]) =>
      `INSERT INTO canned_responses (workspace_id, id, owner_agent_id, shortcut, title, body, variants, created_at, updated_at)
  VALUES ('ws_demo', ${q(id)}, ${owner ? q(owner) : "NULL"}, ${q(shortcut)}, ${q(title)}, ${q(body)}, ${q(JSON.stringify(variants))}, ${now}, ${now}) ON CONFLICT DO NOTHING;`,
  ),
].join("\n");
// ---- end of the daily tools
// ---- routing: a channel whose chats are offered round robin (30 s each) with response-time targets
const routingConfig = {
  routing: { mode: "auto", offerSeconds: 30 },
  targets: { waitSeconds: 120, firstResponseSeconds: 180 },
  notificationEmail: "desk@parley.test",
};
const routingSql = `INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at)
  VALUES ('ws_demo', 'ch_demo_routing', 'demo-routing', 'Demo support (automatic routing)', '["*"]', ${q(JSON.stringify(routingConfig))}, ${now})
  ON CONFLICT DO UPDATE SET config = excluded.config;`;
// ---- end of routing
const sql = `
INSERT INTO workspaces (id, name, created_at) VALUES ('ws_demo', 'Demo Accounting Office', ${now}) ON CONFLICT DO NOTHING;
INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, identity_secret, created_at)
  VALUES ('ws_demo', 'ch_demo', 'demo', 'Demo support', '["*"]', ${q(JSON.stringify(demoConfig))}, 'parley-demo-identity-secret', ${now})
  ON CONFLICT DO UPDATE SET config = excluded.config, identity_secret = excluded.identity_secret;
INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at)
  VALUES ('ws_demo', 'ch_demo_closed', 'demo-closed', 'Demo support (closed)', '["*"]', ${q(JSON.stringify(closedConfig))}, ${now})
  ON CONFLICT DO UPDATE SET config = excluded.config;
${faqs
  .map(
    ([id, question, answer]) =>
      `INSERT INTO faqs (workspace_id, id, channel_id, question, answer, created_at) VALUES ('ws_demo', ${q(id)}, 'ch_demo', ${q(question)}, ${q(answer)}, ${now}) ON CONFLICT DO NOTHING;`,
  )
  .join("\n")}
INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at)
  VALUES ('ws_demo', 'ag_demo', 'demo@parley.test', 'Dana Demo', 'admin', ${q(await hashPassword("parley-demo"))}, ${now})
  ON CONFLICT DO NOTHING;
INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at)
  VALUES (${q(await sha256Hex("demo-api-key"))}, 'ws_demo', 'key_demo', 'Demo key', ${now}) ON CONFLICT DO NOTHING;
UPDATE workspaces SET time_zone = 'Europe/Helsinki' WHERE id = 'ws_demo' AND time_zone IS NULL;
${historySql(now, await hashPassword(randomBytes(16).toString("hex")))}
${visitorContextSql(now)}
${dailyToolsSql}
${notesSql}
${formattedSql}
${routingSql}`;

mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/seed.sql", sql);
execFileSync("wrangler", ["d1", "execute", "DB", "--local", ...persistArgs, "--file", ".wrangler/seed.sql"], {
  stdio: ["ignore", "ignore", "inherit"],
});
console.log(
  `seeded demo workspace: channels demo, demo-closed and demo-routing (round robin, targets), agent demo@parley.test / parley-demo, API key demo-api-key, ${HISTORY_DAYS} days of history for Reports`,
);
