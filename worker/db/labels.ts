import { z } from "zod";
import type { Label, LabelInput } from "../../protocol/labels";
import { LIMITS } from "../../protocol/limits";
import { HttpError } from "../http/errors";
import { newId } from "./ids";

const labelRow = z.object({ id: z.string(), name: z.string(), color: z.string() });

const nameTaken = (name: string) => new HttpError(409, "name_taken", `name: a label called "${name}" already exists`);
const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/i.test(err.message);

export async function listLabels(db: D1Database, workspaceId: string): Promise<Label[]> {
  const { results } = await db
    .prepare("SELECT id, name, color FROM labels WHERE workspace_id = ? ORDER BY name COLLATE NOCASE")
    .bind(workspaceId)
    .all();
  return results.map((r) => labelRow.parse(r));
}

export async function getLabel(db: D1Database, workspaceId: string, id: string): Promise<Label | null> {
  const found = await db.prepare("SELECT id, name, color FROM labels WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first();
  return found ? labelRow.parse(found) : null;
}

/** Within the workspace's count, checked in the insert itself so parallel creates cannot pass it together. */
export async function createLabel(db: D1Database, workspaceId: string, input: LabelInput): Promise<Label> {
  const label = { id: newId("lb"), ...input };
  try {
    const result = await db
      .prepare(
        `INSERT INTO labels (workspace_id, id, name, color, created_at) SELECT ?, ?, ?, ?, ?
         WHERE (SELECT COUNT(*) FROM labels WHERE workspace_id = ?) < ?`,
      )
      .bind(workspaceId, label.id, label.name, label.color, Date.now(), workspaceId, LIMITS.labels.perWorkspace)
      .run();
    if (result.meta.changes === 0) {
      throw new HttpError(409, "limit_reached", `at most ${LIMITS.labels.perWorkspace} labels in a workspace; delete one first`);
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  return label;
}

export async function updateLabel(db: D1Database, workspaceId: string, current: Label, update: Partial<LabelInput>): Promise<Label> {
  const next = { ...current, ...update };
  try {
    await db.prepare("UPDATE labels SET name = ?, color = ? WHERE workspace_id = ? AND id = ?").bind(next.name, next.color, workspaceId, current.id).run();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(next.name);
    throw err;
  }
  return next;
}

/** Takes the label off every conversation too (the foreign key cascades). */
export async function deleteLabel(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM labels WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).run();
  return result.meta.changes > 0;
}

/**
 * Labels a conversation of the workspace, within the per-conversation count; true when it was not
 * labelled so already (so the caller emits `conversation.labeled` once).
 */
export async function addConversationLabel(db: D1Database, workspaceId: string, conversationId: string, labelId: string): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO conversation_labels (workspace_id, conversation_id, label_id, created_at) SELECT ?, ?, ?, ?
       WHERE (SELECT COUNT(*) FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ?) < ?
       ON CONFLICT DO NOTHING`,
    )
    .bind(workspaceId, conversationId, labelId, Date.now(), workspaceId, conversationId, LIMITS.labels.perConversation)
    .run();
  if (result.meta.changes > 0) return true;
  const already = await db
    .prepare("SELECT 1 FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ? AND label_id = ?")
    .bind(workspaceId, conversationId, labelId)
    .first();
  if (already) return false;
  throw new HttpError(409, "limit_reached", `a conversation has at most ${LIMITS.labels.perConversation} labels; remove one first`);
}

/** True when the conversation had the label. */
export async function removeConversationLabel(db: D1Database, workspaceId: string, conversationId: string, labelId: string): Promise<boolean> {
  const result = await db
    .prepare("DELETE FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ? AND label_id = ?")
    .bind(workspaceId, conversationId, labelId)
    .run();
  return result.meta.changes > 0;
}

/** The conversation's labels, by name. */
export async function labelsOfConversation(db: D1Database, workspaceId: string, conversationId: string): Promise<Label[]> {
  const { results } = await db
    .prepare(
      `SELECT l.id, l.name, l.color FROM conversation_labels cl JOIN labels l ON l.workspace_id = cl.workspace_id AND l.id = cl.label_id
       WHERE cl.workspace_id = ? AND cl.conversation_id = ? ORDER BY l.name COLLATE NOCASE`,
    )
    .bind(workspaceId, conversationId)
    .all();
  return results.map((r) => labelRow.parse(r));
}
