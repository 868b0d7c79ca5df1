import { z } from "zod";
import type { Agent } from "../../protocol/api";
import type { Notification } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";
import { queueEmail } from "../email/outbox";
import { conversationThread } from "../email/threading";
import type { Env } from "../env";
import { findChannel } from "./channels";
import { newId } from "./ids";

/** A console polls well inside this; an agent not seen for longer is away and gets new messages by email. */
const AWAY_AFTER_MS = 2 * 60_000;
/** Presence is written at most this often per agent, so polling stays cheap for D1's single writer. */
const PRESENCE_WRITE_EVERY_MS = 30_000;
const MAX_NOTIFICATIONS = 50;

const notificationRow = z.object({
  conversation_id: z.string().nullable(),
  subject: z.string(),
  kind: z.enum(["message", "alert", "sign_in", "mention"]),
  author_name: z.string(),
  preview: z.string(),
  updated_at: z.number(),
  seen_at: z.number().nullable(),
});

/** Sign-in alerts read as notifications without a thread; their subject and preview are written here, not stored. */
const SIGN_IN_ALERTS = `SELECT NULL AS conversation_id, 'Repeated failed sign-ins' AS subject, 'sign_in' AS kind, agent_name AS author_name,
  failures || ' failed sign-ins in a row for ' || agent_email || '; each further attempt now waits longer' AS preview,
  created_at AS updated_at, seen_at FROM sign_in_alerts WHERE workspace_id = ?1 AND admin_id = ?2`;

/** The agent's notifications, the newest first, and how many are unseen. */
export async function listNotifications(
  db: D1Database,
  workspaceId: string,
  agentId: string,
): Promise<{ notifications: Notification[]; unseen: number }> {
  const [list, count] = await db.batch([
    db
      .prepare(
        `SELECT n.conversation_id, c.subject, n.kind, n.author_name, n.preview, n.updated_at, n.seen_at FROM notifications n
         JOIN conversations c ON c.workspace_id = n.workspace_id AND c.id = n.conversation_id
         WHERE n.workspace_id = ?1 AND n.agent_id = ?2
         UNION ALL ${SIGN_IN_ALERTS}
         ORDER BY updated_at DESC LIMIT ?3`,
      )
      .bind(workspaceId, agentId, MAX_NOTIFICATIONS),
    db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM notifications WHERE workspace_id = ?1 AND agent_id = ?2 AND seen_at IS NULL)
              + (SELECT COUNT(*) FROM sign_in_alerts WHERE workspace_id = ?1 AND admin_id = ?2 AND seen_at IS NULL) AS n`,
      )
      .bind(workspaceId, agentId),
  ]);
  const notifications = (list?.results ?? []).map((raw) => {
    const r = notificationRow.parse(raw);
    return {
      conversationId: r.conversation_id,
      subject: r.subject,
      kind: r.kind,
      authorName: r.author_name,
      preview: r.preview,
      updatedAt: r.updated_at,
      unseen: r.seen_at === null,
    };
  });
  return { notifications, unseen: z.number().parse((count?.results[0] as { n: number } | undefined)?.n ?? 0) };
}

/** The admin has looked at their sign-in alerts. */
export async function markSignInAlertsSeen(db: D1Database, workspaceId: string, adminId: string): Promise<void> {
  await db
    .prepare("UPDATE sign_in_alerts SET seen_at = ? WHERE workspace_id = ? AND admin_id = ? AND seen_at IS NULL")
    .bind(Date.now(), workspaceId, adminId)
    .run();
}

/**
 * Someone keeps failing to sign in as `agent`: every admin of the workspace gets a console
 * notification and an email, once per run of failures (worker/auth/sign-in-guard.ts says when).
 */
export async function alertSignInFailures(env: Env, agent: Agent): Promise<void> {
  const { results: admins } = await env.DB.prepare("SELECT id, email FROM agents WHERE workspace_id = ? AND role = 'admin'")
    .bind(agent.workspaceId)
    .all<{ id: string; email: string }>();
  if (admins.length === 0) return;
  const alert = newId("sia");
  const failures = LIMITS.signInAlertAfter;
  const insert = env.DB.prepare(
    "INSERT INTO sign_in_alerts (workspace_id, admin_id, id, agent_name, agent_email, failures, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
  );
  await env.DB.batch(admins.map((a) => insert.bind(agent.workspaceId, a.id, alert, agent.name, agent.email, failures, Date.now())));
  const text = [
    `${failures} sign-ins to ${agent.name}'s account (${agent.email}) have failed in a row.`,
    `If that was not ${agent.name} mistyping, someone may be guessing the password. Parley makes each further attempt on the account wait longer, the right password included.`,
    `Ask ${agent.name}; if in doubt, set a new password for them in Administration, Agents: that ends their sessions and lifts the wait.`,
  ].join("\n\n");
  for (const admin of admins) {
    await queueEmail(
      env,
      { workspaceId: agent.workspaceId, to: admin.email, idempotencyKey: `sign-in-alert:${alert}:${admin.id}` },
      { template: "admin_alert", data: { conversationId: null, subject: `Repeated failed sign-ins for ${agent.email}`, text } },
    );
  }
}

/** Records that the agent has a console open; skips the write while the last one is recent. */
export async function touchPresence(db: D1Database, workspaceId: string, agentId: string): Promise<void> {
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO console_presence (workspace_id, agent_id, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (workspace_id, agent_id) DO UPDATE SET seen_at = excluded.seen_at WHERE seen_at < ?`,
    )
    .bind(workspaceId, agentId, now, now - PRESENCE_WRITE_EVERY_MS)
    .run();
}

/** Signing out closes the console: from now on new messages reach the agent by email. */
export async function clearPresence(db: D1Database, workspaceId: string, agentId: string): Promise<void> {
  await db.prepare("DELETE FROM console_presence WHERE workspace_id = ? AND agent_id = ?").bind(workspaceId, agentId).run();
}

/**
 * "Notify administrators": every admin but the sender gets the thread at the top of their
 * notifications and an email.
 */
export async function alertAdmins(
  env: Env,
  input: { workspaceId: string; conversationId: string; subject: string; contact: string; from: Agent; note: string; consoleUrl: string },
): Promise<number> {
  const { results: admins } = await env.DB.prepare(
    "SELECT id, email FROM agents WHERE workspace_id = ? AND role = 'admin' AND id != ?",
  )
    .bind(input.workspaceId, input.from.id)
    .all<{ id: string; email: string }>();
  const text = [
    `${input.from.name} asks the administrators to look at "${input.subject}" (${input.contact}).`,
    input.note,
    `Open it: ${input.consoleUrl}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  const now = Date.now();
  const alert = newId("alert");
  const upsert = env.DB.prepare(
    `INSERT INTO notifications (workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at)
     VALUES (?, ?, ?, 'alert', ?, ?, ?, NULL)
     ON CONFLICT (workspace_id, agent_id, conversation_id) DO UPDATE SET
       kind = 'alert', author_name = excluded.author_name, preview = excluded.preview, updated_at = excluded.updated_at, seen_at = NULL`,
  );
  const preview = input.note || `${input.from.name} asks you to look at this thread`;
  if (admins.length > 0) {
    await env.DB.batch(admins.map((a) => upsert.bind(input.workspaceId, a.id, input.conversationId, input.from.name, preview, now)));
  }
  for (const admin of admins) {
    await queueEmail(
      env,
      {
        workspaceId: input.workspaceId,
        to: admin.email,
        idempotencyKey: `admin-alert:${alert}:${admin.id}`,
        // Answerable: the admin's reply by email is posted in the thread as them.
        thread: await conversationThread(env, { kind: "agent", conversationId: input.conversationId }, `admin-alert:${alert}:${admin.id}`),
      },
      { template: "admin_alert", data: { conversationId: input.conversationId, subject: input.subject, text } },
    );
  }
  return admins.length;
}

const threadRow = z.object({
  subject: z.string(),
  channel_id: z.string(),
  agent_id: z.string().nullable(),
  agent_email: z.string().nullable(),
  seen_at: z.number().nullable(),
});

/**
 * Emails each new customer message to the responsible agent and to the channel's notification
 * address while the responsible agent has no console open (or nobody is responsible yet). Keyed
 * by message and recipient, so a room replaying a batch sends nothing twice.
 */
export async function emailNewMessages(env: Env, workspaceId: string, conversationId: string, messages: Message[]): Promise<void> {
  const incoming = messages.filter((m) => m.author.type === "visitor");
  if (incoming.length === 0) return;
  const raw = await env.DB.prepare(
    `SELECT c.subject, c.channel_id, c.agent_id, ag.email AS agent_email, p.seen_at FROM conversations c
     LEFT JOIN agents ag ON ag.workspace_id = c.workspace_id AND ag.id = c.agent_id
     LEFT JOIN console_presence p ON p.workspace_id = c.workspace_id AND p.agent_id = c.agent_id
     WHERE c.workspace_id = ? AND c.id = ?`,
  )
    .bind(workspaceId, conversationId)
    .first();
  if (!raw) return;
  const thread = threadRow.parse(raw);
  const away = thread.seen_at === null || thread.seen_at < Date.now() - AWAY_AFTER_MS;
  if (!away) return;
  const channel = await findChannel(env.DB, workspaceId, thread.channel_id);
  const recipients = [thread.agent_email, channel?.config.notificationEmail ?? null].filter((to): to is string => to !== null);
  for (const to of new Set(recipients)) {
    for (const m of incoming) {
      await queueEmail(
        env,
        {
          workspaceId,
          to,
          idempotencyKey: `notify:${conversationId}:${m.seq}:${to.toLowerCase()}`,
          // An agent answers from their inbox: a reply from an agent's own address is posted as them.
          thread: await conversationThread(env, { kind: "agent", conversationId }, `notify:${conversationId}:${m.seq}:${to.toLowerCase()}`),
        },
        {
          template: "notification",
          data: { conversationId, subject: thread.subject, from: m.author.name, body: m.body || `[${m.attachment?.name ?? "file"}]` },
        },
      );
    }
  }
}
