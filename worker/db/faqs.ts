import { z } from "zod";
import type { Faq } from "../../protocol/api";
import { ftsQuery } from "./fts-query";

const faqRow = z.object({ id: z.string(), question: z.string(), answer: z.string() });

export async function searchFaqs(db: D1Database, workspaceId: string, channelId: string, text: string, limit = 3): Promise<Faq[]> {
  const match = ftsQuery(text, "any");
  if (!match) return [];
  const { results } = await db
    .prepare(
      `SELECT f.id, f.question, f.answer FROM faqs_fts
       JOIN faqs f ON f.workspace_id = faqs_fts.workspace_id AND f.id = faqs_fts.faq_id
       WHERE faqs_fts MATCH ? AND faqs_fts.workspace_id = ? AND (f.channel_id IS NULL OR f.channel_id = ?)
       ORDER BY bm25(faqs_fts) LIMIT ?`,
    )
    .bind(match, workspaceId, channelId, limit)
    .all();
  return results.map((r) => faqRow.parse(r));
}
