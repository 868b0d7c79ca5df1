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
};

export async function logInboundEmail(db: D1Database, e: InboundEmail): Promise<void> {
  await db
    .prepare(
      `INSERT INTO inbound_emails (workspace_id, id, received_at, from_address, to_address, conversation_id, message_id, outcome, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    )
    .run();
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
