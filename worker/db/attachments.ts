import { z } from "zod";

const attachmentRow = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  content_type: z.string(),
  size: z.number(),
  deleted_at: z.number().nullable(),
});

export async function recordAttachment(
  db: D1Database,
  a: {
    workspaceId: string;
    id: string;
    conversationId: string;
    key: string;
    name: string;
    contentType: string;
    size: number;
    uploadedBy: "visitor" | "agent";
  },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO attachments (workspace_id, id, conversation_id, key, name, content_type, size, uploaded_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .bind(a.workspaceId, a.id, a.conversationId, a.key, a.name, a.contentType, a.size, a.uploadedBy, Date.now())
    .run();
}

export async function findAttachment(db: D1Database, workspaceId: string, conversationId: string, id: string) {
  const row = await db
    .prepare("SELECT id, key, name, content_type, size, deleted_at FROM attachments WHERE workspace_id = ? AND conversation_id = ? AND id = ?")
    .bind(workspaceId, conversationId, id)
    .first();
  return row ? attachmentRow.parse(row) : null;
}

/** Removes the record of a file that was stored but never became part of a message. */
export async function forgetAttachment(db: D1Database, workspaceId: string, conversationId: string, id: string): Promise<void> {
  await db
    .prepare("DELETE FROM attachments WHERE workspace_id = ? AND conversation_id = ? AND id = ?")
    .bind(workspaceId, conversationId, id)
    .run();
}
