import { z } from "zod";
import type { Faq } from "../../protocol/api";
import { LIMITS } from "../../protocol/limits";
import { ftsQuery } from "./fts-query";

const faqRow = z.object({ id: z.string(), question: z.string(), answer: z.string() });

/**
 * The channel's FAQs (the workspace's and its own) that match `text`, best first: with "any" word
 * for a visitor's question before a chat, with "all" words for an agent narrowing the `/` list.
 */
export async function searchFaqs(db: D1Database, workspaceId: string, channelId: string, text: string, limit = 3, words: "any" | "all" = "any"): Promise<Faq[]> {
  const match = ftsQuery(text, words);
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

/** The FAQs an agent may insert in a thread of this channel: every one by question, or with `q` those holding every word. */
export async function listChannelFaqs(db: D1Database, workspaceId: string, channelId: string, q?: string): Promise<Faq[]> {
  const limit = LIMITS.cannedResponses.faqsInList;
  if (q) return searchFaqs(db, workspaceId, channelId, q, limit, "all");
  const { results } = await db
    .prepare(
      `SELECT id, question, answer FROM faqs WHERE workspace_id = ? AND (channel_id IS NULL OR channel_id = ?)
       ORDER BY question COLLATE NOCASE LIMIT ?`,
    )
    .bind(workspaceId, channelId, limit)
    .all();
  return results.map((r) => faqRow.parse(r));
}
