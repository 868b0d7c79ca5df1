import { z } from "zod";
import type { ConversationAttachment } from "../../protocol/console";

const row = z.object({
  id: z.string(),
  name: z.string(),
  content_type: z.string(),
  size: z.number(),
  uploaded_by: z.enum(["visitor", "agent"]),
  created_at: z.number(),
});

/** The thread's files that have not been deleted, oldest first. */
export async function listAttachments(db: D1Database, workspaceId: string, conversationId: string): Promise<ConversationAttachment[]> {
  const { results } = await db
    .prepare(
      `SELECT id, name, content_type, size, uploaded_by, created_at FROM attachments
       WHERE workspace_id = ? AND conversation_id = ? AND deleted_at IS NULL ORDER BY created_at, id`,
    )
    .bind(workspaceId, conversationId)
    .all();
  return results.map((raw) => {
    const r = row.parse(raw);
    return {
      id: r.id,
      name: r.name,
      contentType: r.content_type,
      size: r.size,
      url: `/api/attachments/${conversationId}/${r.id}`,
      uploadedBy: r.uploaded_by,
      createdAt: r.created_at,
    };
  });
}

/**
 * Marks a file deleted and returns its R2 key for the caller to remove the bytes; the message that
 * carried it stays, and its link answers 404 from now on. Null when there is no such live file.
 */
export async function markAttachmentDeleted(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
  attachmentId: string,
): Promise<string | null> {
  const deleted = await db
    .prepare(
      `UPDATE attachments SET deleted_at = ? WHERE workspace_id = ? AND conversation_id = ? AND id = ? AND deleted_at IS NULL
       RETURNING key`,
    )
    .bind(Date.now(), workspaceId, conversationId, attachmentId)
    .first<{ key: string }>();
  return deleted?.key ?? null;
}
