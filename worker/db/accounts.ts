import { z } from "zod";
import type { AccountContact, AccountDetail, AccountSummary, InboxFilter } from "../../protocol/console";
import { ftsQuery } from "./fts-query";
import { newId } from "./ids";

const summaryRow = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.number(),
  contact_count: z.number(),
  unread_threads: z.number(),
  active_threads: z.number(),
});

/** An account with an archived thread: the Archived filter. Active and Unread filter on the counts below. */
const HAS_ARCHIVED = `EXISTS (SELECT 1 FROM contacts ct
  JOIN conversations c ON c.workspace_id = ct.workspace_id AND c.contact_id = ct.id AND c.archived = 1
  WHERE ct.workspace_id = a.workspace_id AND ct.account_id = a.id)`;

/**
 * Accounts by name, each with its contact count, how many of its live threads hold messages the
 * reading agent (the first bound parameter) has not read, and how many are live (not archived).
 */
const SUMMARY_SELECT = `SELECT a.id, a.name, a.created_at,
  (SELECT COUNT(*) FROM contacts ct WHERE ct.workspace_id = a.workspace_id AND ct.account_id = a.id) AS contact_count,
  (SELECT COUNT(*) FROM contacts ct
    JOIN conversations c ON c.workspace_id = ct.workspace_id AND c.contact_id = ct.id AND c.archived = 0
    LEFT JOIN conversation_reads r ON r.workspace_id = c.workspace_id AND r.conversation_id = c.id AND r.agent_id = r0.agent_id
    WHERE ct.workspace_id = a.workspace_id AND ct.account_id = a.id AND EXISTS (
      SELECT 1 FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
        AND m.seq > COALESCE(r.read_seq, 0) AND m.author_type != 'system'
        AND (m.author_type != 'agent' OR m.author_id IS NOT r0.agent_id))) AS unread_threads,
  (SELECT COUNT(*) FROM contacts ct
    JOIN conversations c ON c.workspace_id = ct.workspace_id AND c.contact_id = ct.id AND c.archived = 0
    WHERE ct.workspace_id = a.workspace_id AND ct.account_id = a.id) AS active_threads,
  ${HAS_ARCHIVED} AS has_archived
  FROM (SELECT ? AS agent_id) r0 JOIN accounts a`;

const BY_THREADS: Record<InboxFilter, string> = {
  all: "",
  active: "WHERE active_threads > 0",
  unread: "WHERE unread_threads > 0",
  archived: "WHERE has_archived = 1",
};

const toSummary = (raw: unknown): AccountSummary => {
  const r = summaryRow.parse(raw);
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    contactCount: r.contact_count,
    unreadThreads: r.unread_threads,
    activeThreads: r.active_threads,
  };
};

const MAX_ACCOUNTS = 200;

/**
 * Accounts by name; `q` matches the account's name or any of its contacts' names and emails, and
 * `filter` keeps the accounts with a thread of that kind (all keeps every account, threads or not).
 */
export async function listAccounts(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  q?: string,
  filter: InboxFilter = "all",
): Promise<AccountSummary[]> {
  const match = q ? ftsQuery(q) : null;
  if (q && !match) return [];
  const matching = match
    ? `AND (a.name LIKE ? ESCAPE '\\' OR a.id IN (SELECT ct.account_id FROM contacts ct WHERE ct.workspace_id = a.workspace_id
         AND ct.id IN (SELECT contact_id FROM contacts_fts WHERE contacts_fts MATCH ? AND workspace_id = ?)))`
    : "";
  const params = match ? [`%${q!.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, match, workspaceId] : [];
  const { results } = await db
    .prepare(
      `SELECT * FROM (${SUMMARY_SELECT} WHERE a.workspace_id = ? ${matching}) ${BY_THREADS[filter]} ORDER BY name COLLATE NOCASE LIMIT ?`,
    )
    .bind(agentId, workspaceId, ...params, MAX_ACCOUNTS)
    .all();
  return results.map(toSummary);
}

export async function createAccount(db: D1Database, workspaceId: string, name: string): Promise<AccountDetail> {
  const id = newId("acc");
  const now = Date.now();
  await db
    .prepare("INSERT INTO accounts (workspace_id, id, name, created_at) VALUES (?, ?, ?, ?)")
    .bind(workspaceId, id, name, now)
    .run();
  return { id, name, createdAt: now, contacts: [] };
}

export async function getAccount(db: D1Database, workspaceId: string, accountId: string): Promise<AccountDetail | null> {
  const account = await db
    .prepare("SELECT id, name, created_at FROM accounts WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, accountId)
    .first<{ id: string; name: string; created_at: number }>();
  if (!account) return null;
  const { results } = await db
    .prepare("SELECT id, name, email FROM contacts WHERE workspace_id = ? AND account_id = ? ORDER BY name COLLATE NOCASE")
    .bind(workspaceId, accountId)
    .all<AccountContact>();
  return { id: account.id, name: account.name, createdAt: account.created_at, contacts: results };
}

export async function renameAccount(db: D1Database, workspaceId: string, accountId: string, name: string): Promise<boolean> {
  const result = await db.prepare("UPDATE accounts SET name = ? WHERE workspace_id = ? AND id = ?").bind(name, workspaceId, accountId).run();
  return result.meta.changes > 0;
}

export type LinkResult = { ok: true; contact: AccountContact } | { ok: false; otherAccount: string };

/**
 * Makes the workspace's contacts with this email members of the account, under the name the agent
 * gives (it replaces whatever a visitor typed), creating the contact when there is none. A contact
 * already in another account stays there: moving someone between customers is a decision, not a
 * side effect.
 */
export async function linkContact(
  db: D1Database,
  workspaceId: string,
  accountId: string,
  input: { name: string; email: string },
): Promise<LinkResult> {
  const { results: existing } = await db
    .prepare(
      `SELECT ct.id, ct.name, ct.email, ct.account_id, a.name AS account_name FROM contacts ct
       LEFT JOIN accounts a ON a.workspace_id = ct.workspace_id AND a.id = ct.account_id
       WHERE ct.workspace_id = ? AND ct.email = ? ORDER BY ct.created_at`,
    )
    .bind(workspaceId, input.email)
    .all<{ id: string; name: string; email: string; account_id: string | null; account_name: string | null }>();
  const elsewhere = existing.find((c) => c.account_id !== null && c.account_id !== accountId);
  if (elsewhere) return { ok: false, otherAccount: elsewhere.account_name ?? elsewhere.account_id! };
  const first = existing[0];
  if (first) {
    await db
      .prepare("UPDATE contacts SET account_id = ?, name = ? WHERE workspace_id = ? AND email = ?")
      .bind(accountId, input.name, workspaceId, input.email)
      .run();
    return { ok: true, contact: { id: first.id, name: input.name, email: first.email } };
  }
  const id = newId("ct");
  await db
    .prepare("INSERT INTO contacts (workspace_id, id, name, email, account_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(workspaceId, id, input.name, input.email, accountId, Date.now())
    .run();
  return { ok: true, contact: { id, name: input.name, email: input.email } };
}

export async function unlinkContact(db: D1Database, workspaceId: string, accountId: string, contactId: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE contacts SET account_id = NULL WHERE workspace_id = ? AND account_id = ? AND id = ?")
    .bind(workspaceId, accountId, contactId)
    .run();
  return result.meta.changes > 0;
}
