/**
 * Every email that reached the Worker's email() handler, and what became of it: admins see the
 * refused and dropped ones (with the reason) next to the accepted, so a customer who says "I
 * replied" can be answered, and a forging or looping sender shows up.
 */
export type InboundOutcome = "accepted" | "refused" | "dropped";

export type InboundEmail = {
  workspaceId: string | null;
  fromAddress: string;
  toAddress: string;
  conversationId: string | null;
  messageId: string | null;
  outcome: InboundOutcome;
  reason: string;
  /** For an accepted email: the message it became, and its whole text before the quote was cut. */
  clientId?: string | null;
  originalText?: string | null;
};

export async function logInboundEmail(db: D1Database, e: InboundEmail): Promise<void> {
  await db
    .prepare(
      `INSERT INTO inbound_emails (workspace_id, id, received_at, from_address, to_address, conversation_id, message_id, outcome, reason, client_id, original_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      e.workspaceId,
      crypto.randomUUID(),
      Date.now(),
      e.fromAddress.slice(0, 320),
      e.toAddress.slice(0, 320),
      e.conversationId,
      e.messageId?.slice(0, 998) ?? null,
      e.outcome,
      e.reason.slice(0, 500),
      e.outcome === "accepted" ? (e.clientId ?? null) : null,
      e.outcome === "accepted" ? (e.originalText ?? null) : null,
    )
    .run();
}

/** Where an accepted email went before: a redelivery of one that started a follow-up goes there again. */
export async function conversationOfEmail(db: D1Database, workspaceId: string, clientId: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT conversation_id FROM inbound_emails WHERE workspace_id = ? AND client_id = ? AND outcome = 'accepted' LIMIT 1")
    .bind(workspaceId, clientId)
    .first<{ conversation_id: string }>();
  return row?.conversation_id ?? null;
}

export type OriginalEmail = { fromAddress: string; receivedAt: number; text: string };

/** The whole text of the email a message came from, for the agent who wants to see what was cut. */
export async function originalEmail(db: D1Database, workspaceId: string, conversationId: string, clientId: string): Promise<OriginalEmail | null> {
  const row = await db
    .prepare(
      `SELECT from_address, received_at, original_text FROM inbound_emails
       WHERE workspace_id = ? AND conversation_id = ? AND client_id = ? AND original_text IS NOT NULL LIMIT 1`,
    )
    .bind(workspaceId, conversationId, clientId)
    .first<{ from_address: string; received_at: number; original_text: string }>();
  return row ? { fromAddress: row.from_address, receivedAt: row.received_at, text: row.original_text } : null;
}

export type InboundEmailRow = {
  receivedAt: number;
  fromAddress: string;
  toAddress: string;
  conversationId: string | null;
  outcome: InboundOutcome;
  reason: string;
};

/** The newest first, for the console's outbox page; with the counts of each outcome over the same days. */
export async function listInboundEmails(db: D1Database, workspaceId: string, limit = 100): Promise<InboundEmailRow[]> {
  const { results } = await db
    .prepare(
      `SELECT received_at, from_address, to_address, conversation_id, outcome, reason FROM inbound_emails
       WHERE workspace_id = ? ORDER BY received_at DESC LIMIT ?`,
    )
    .bind(workspaceId, limit)
    .all<{ received_at: number; from_address: string; to_address: string; conversation_id: string | null; outcome: InboundOutcome; reason: string }>();
  return results.map((r) => ({
    receivedAt: r.received_at,
    fromAddress: r.from_address,
    toAddress: r.to_address,
    conversationId: r.conversation_id,
    outcome: r.outcome,
    reason: r.reason,
  }));
}

/** The workspace's agent with this address, if any: only an agent's own address may post as them. */
export async function findWorkspaceAgentByEmail(db: D1Database, workspaceId: string, email: string): Promise<{ id: string; name: string } | null> {
  return db
    .prepare("SELECT id, name FROM agents WHERE workspace_id = ? AND lower(email) = lower(?)")
    .bind(workspaceId, email)
    .first<{ id: string; name: string }>();
}
