import { z } from "zod";
import { agentRef, endReason, feedbackSchema } from "../protocol/frames";

/**
 * Work the room owes the outside world: emails, queue changes in the channel's lobby, webhook events. A row is
 * written in the same synchronous step as the state change that calls for it, and removed only
 * after the work is done, so a crash in between repeats the work instead of losing it; emails
 * carry idempotency keys and the lobby's calls are idempotent, so a repeat is harmless.
 */
export const outboxItem = z.discriminatedUnion("kind", [
  /** The transcript up to `uptoSeq`, to the contact. */
  z.object({ kind: z.literal("transcript"), idempotencyKey: z.string(), uptoSeq: z.number().int() }),
  z.object({ kind: z.literal("survey"), idempotencyKey: z.string() }),
  /** Agent messages after `afterSeq` up to `uptoSeq` that the customer has not seen, by email. */
  z.object({ kind: z.literal("reply_email"), afterSeq: z.number().int().min(0), uptoSeq: z.number().int().positive() }),
  z.object({ kind: z.literal("dequeue") }),
  z.object({ kind: z.literal("enqueue") }),
  /** A webhook event, placed after the message with seq `afterSeq` (see room-events.ts). */
  z.object({
    kind: z.literal("event"),
    afterSeq: z.number().int().min(0),
    at: z.number().int(),
    event: z.discriminatedUnion("type", [
      z.object({ type: z.literal("conversation.created") }),
      z.object({ type: z.literal("conversation.queued"), position: z.number().int().positive() }),
      z.object({ type: z.literal("conversation.accepted"), agent: agentRef }),
      z.object({ type: z.literal("conversation.ended"), endedBy: endReason }),
      z.object({ type: z.literal("conversation.rated"), feedback: feedbackSchema }),
      z.object({
        type: z.literal("conversation.assigned"),
        agent: agentRef,
        previousAgent: agentRef.nullable(),
        via: z.enum(["accepted", "assigned"]),
      }),
      z.object({ type: z.literal("conversation.reopened"), status: z.enum(["active", "queued"]) }),
    ]),
  }),
]);
export type OutboxItem = z.infer<typeof outboxItem>;

export class RoomOutbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        item TEXT NOT NULL
      );
    `);
  }

  add(item: OutboxItem): void {
    this.sql.exec("INSERT INTO outbox (item) VALUES (?)", JSON.stringify(item));
  }

  /** In the order they were added: the lobby must see a dequeue before a later enqueue. */
  pending(): { id: number; item: OutboxItem }[] {
    return this.sql
      .exec<{ id: number; item: string }>("SELECT id, item FROM outbox ORDER BY id")
      .toArray()
      .map((r) => ({ id: r.id, item: outboxItem.parse(JSON.parse(r.item)) }));
  }

  done(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id = ?", id);
  }

  isEmpty(): boolean {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n === 0;
  }
}
