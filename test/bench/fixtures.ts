import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { wrangler } from "./dev-server.ts";

/**
 * Large data sets for the query timings, written while the server is stopped. Filling them through
 * the product would take far longer than a benchmark run (100,000 messages at a few hundred a
 * second), and what is measured is reading them.
 */

/**
 * 100,000 conversations in the demo workspace, each with a contact, a first message and the facts
 * its room would have recorded for reports (accepted, answered, some ended, missed and rated), written
 * through D1 itself (`wrangler d1 execute`), so that every trigger (search index, notifications)
 * runs as it does for real rows. A spread of states gives each inbox filter work: every 5th
 * archived, every 3rd answered, every other one the demo agent's.
 */
export async function seedInbox(persistDir: string, count: number): Promise<void> {
  const now = Date.now();
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
  const topic = `CASE i % 4 WHEN 0 THEN 'invoice' WHEN 1 THEN 'payroll' WHEN 2 THEN 'taxes' ELSE 'password' END`;
  const at = `${now} - i * 60000`;
  const sql = `
${numbers}
INSERT INTO contacts (workspace_id, id, name, email, created_at)
  SELECT 'ws_demo', 'ct_bench_' || i, 'Customer ' || i, 'customer' || i || '@example.com', ${at} FROM n;
${numbers}
INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, status, agent_id, archived, attention,
    created_at, last_seq, last_message_at, last_author_name, activity_at)
  SELECT 'ws_demo', 'cv_bench_' || printf('%07d', i), 'ch_demo', 'ct_bench_' || i, 'Question ' || i || ' about ' || ${topic},
    CASE WHEN i % 5 = 0 THEN 'ended' ELSE 'active' END, CASE WHEN i % 2 = 0 THEN 'ag_demo' END,
    CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 3 = 0 THEN 'answered' ELSE 'attentive' END,
    ${at}, 1, ${at}, 'Customer ' || i, ${at}
  FROM n;
${numbers}
INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at)
  SELECT 'ws_demo', 'cv_bench_' || printf('%07d', i), 1, 'bench-seed-' || i, 'visitor', NULL, 'Customer ' || i,
    'Hello, I have a question about my ' || ${topic} || ' number ' || i, ${at}
  FROM n;
${numbers}
INSERT INTO conversation_facts (workspace_id, conversation_id, channel_id, contact_id, topic, origin, created_at, accepted_at,
    first_agent_reply_at, ended_at, ended_reason, agent_id, satisfied, rating, feedback_given, wait_ms, first_response_ms, resolution_ms)
  SELECT 'ws_demo', 'cv_bench_' || printf('%07d', i), 'ch_demo', 'ct_bench_' || i, CASE i % 4 WHEN 0 THEN 'invoice' WHEN 1 THEN 'payroll' WHEN 2 THEN 'taxes' ELSE 'password' END,
    'visitor', ${at}, CASE WHEN i % 7 = 0 THEN NULL ELSE ${at} + (i % 300) * 1000 END,
    CASE WHEN i % 7 = 0 THEN NULL ELSE ${at} + (i % 600) * 1000 END, CASE WHEN i % 5 = 0 THEN ${at} + 1800000 END,
    CASE WHEN i % 5 = 0 THEN (CASE WHEN i % 7 = 0 THEN 'visitor_left' ELSE 'agent' END) END, CASE WHEN i % 2 = 0 THEN 'ag_demo' END,
    CASE WHEN i % 10 = 0 THEN (i % 3 > 0) END, CASE WHEN i % 10 = 0 THEN 1 + i % 5 END, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 300) * 1000 END, CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 600) * 1000 END,
    CASE WHEN i % 5 = 0 THEN 1800000 END
  FROM n;
`;
  const file = join(persistDir, "bench-inbox.sql");
  await writeFile(file, sql);
  await wrangler("seed the inbox", ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--file", file]);
}

/** The room's own SQLite file, found by the conversation id it holds. */
function roomDatabase(persistDir: string, conversationId: string): string {
  const dir = join(persistDir, "v3", "do", "parley-ConversationRoom");
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
    const db = new DatabaseSync(join(dir, name), { readOnly: true });
    try {
      const row = db.prepare("SELECT conversation_id FROM conversation").get() as { conversation_id: string } | undefined;
      if (row?.conversation_id === conversationId) return join(dir, name);
    } catch {
      // Another kind of room, or one not set up yet.
    } finally {
      db.close();
    }
  }
  throw new Error(`no room database holds ${conversationId}`);
}

/**
 * Appends messages to a stopped room's storage until it holds `total`, as the room itself would
 * write them. They are marked as already copied to D1: the room is the source of truth for its
 * history, and copying 100,000 rows would only keep the server busy during the timings.
 */
export function fillRoom(persistDir: string, conversationId: string, total: number): number {
  const db = new DatabaseSync(roomDatabase(persistDir, conversationId));
  try {
    const { last } = db.prepare("SELECT COALESCE(MAX(seq), 0) AS last FROM messages").get() as { last: number };
    const names = db.prepare("SELECT contact_name, agent_name FROM conversation").get() as { contact_name: string; agent_name: string };
    const insert = db.prepare(
      `INSERT INTO messages (seq, client_id, author_type, author_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const start = Date.now() - total * 1000;
    db.exec("BEGIN");
    for (let seq = last + 1; seq <= total; seq++) {
      const visitor = seq % 2 === 0;
      insert.run(
        seq,
        `bench-fill-${seq}`,
        visitor ? "visitor" : "agent",
        visitor ? null : "ag_demo",
        visitor ? names.contact_name : names.agent_name,
        `Message ${seq}: a question about this month's invoice, and its answer.`,
        start + seq * 1000,
      );
    }
    db.prepare("UPDATE conversation SET synced_seq = ?").run(total);
    db.exec("COMMIT");
    return total;
  } finally {
    db.close();
  }
}
