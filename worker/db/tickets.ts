import type { Ticket } from "../../protocol/api";
import { newId } from "./ids";

const FIRST_NUMBER = 1001;

/** Numbers tickets per workspace in one statement, so two at once cannot get the same reference. */
export async function createTicket(
  db: D1Database,
  input: {
    workspaceId: string;
    channelId: string;
    contactId: string;
    topic: string | undefined;
    fields: Record<string, string>;
    locale: string | undefined;
    question: string;
  },
): Promise<Ticket> {
  const id = newId("tk");
  const now = Date.now();
  const row = await db
    .prepare(
      `INSERT INTO tickets (workspace_id, id, number, channel_id, contact_id, topic, fields, locale, question, created_at)
       VALUES (?1, ?2, (SELECT COALESCE(MAX(number), ${FIRST_NUMBER - 1}) + 1 FROM tickets WHERE workspace_id = ?1), ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       RETURNING number`,
    )
    .bind(
      input.workspaceId,
      id,
      input.channelId,
      input.contactId,
      input.topic ?? null,
      JSON.stringify(input.fields),
      input.locale ?? null,
      input.question,
      now,
    )
    .first<{ number: number }>();
  return { id, reference: `T-${row!.number}`, status: "open", createdAt: now };
}

/** The conversation a ticket became, for the console and the API to link them. */
export async function linkTicketConversation(db: D1Database, workspaceId: string, ticketId: string, conversationId: string): Promise<void> {
  await db.prepare("UPDATE tickets SET conversation_id = ? WHERE workspace_id = ? AND id = ?").bind(conversationId, workspaceId, ticketId).run();
}
