import { z } from "zod";
import type { AdminFaq, faqInput } from "../../protocol/admin";
import { newId } from "./ids";

type FaqInput = z.output<typeof faqInput>;

const faqRow = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  channel_id: z.string().nullable(),
  created_at: z.number(),
});

function toFaq(row: unknown): AdminFaq {
  const r = faqRow.parse(row);
  return { id: r.id, question: r.question, answer: r.answer, channelId: r.channel_id, createdAt: r.created_at };
}

const SELECT = "SELECT id, question, answer, channel_id, created_at FROM faqs";

export async function listFaqs(db: D1Database, workspaceId: string): Promise<AdminFaq[]> {
  const { results } = await db
    .prepare(`${SELECT} WHERE workspace_id = ? ORDER BY question COLLATE NOCASE`)
    .bind(workspaceId)
    .all();
  return results.map(toFaq);
}

/** The FTS index follows through the triggers of migration 0002. */
export async function createFaq(db: D1Database, workspaceId: string, input: FaqInput): Promise<AdminFaq> {
  const faq: AdminFaq = { id: newId("faq"), ...input, createdAt: Date.now() };
  await db
    .prepare("INSERT INTO faqs (workspace_id, id, channel_id, question, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(workspaceId, faq.id, faq.channelId, faq.question, faq.answer, faq.createdAt)
    .run();
  return faq;
}

export async function updateFaq(db: D1Database, workspaceId: string, id: string, input: FaqInput): Promise<AdminFaq | null> {
  const row = await db
    .prepare(
      "UPDATE faqs SET question = ?, answer = ?, channel_id = ? WHERE workspace_id = ? AND id = ? RETURNING id, question, answer, channel_id, created_at",
    )
    .bind(input.question, input.answer, input.channelId, workspaceId, id)
    .first();
  return row ? toFaq(row) : null;
}

export async function deleteFaq(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM faqs WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).run();
  return result.meta.changes > 0;
}
