import { newId } from "./ids";

export type ContactInput = { name: string; email: string; externalId?: string | undefined };

/**
 * Finds the contact a visitor is: by the host page's verified customer id when there is one,
 * else by email. Returns the statement that creates it when it is new, so callers can batch it
 * with what they insert next.
 */
export async function resolveContact(
  db: D1Database,
  workspaceId: string,
  input: ContactInput,
): Promise<{ id: string; name: string; create: D1PreparedStatement | null }> {
  const existing = input.externalId
    ? await db
        .prepare("SELECT id, name FROM contacts WHERE workspace_id = ? AND external_id = ?")
        .bind(workspaceId, input.externalId)
        .first<{ id: string; name: string }>()
    : await db
        .prepare("SELECT id, name FROM contacts WHERE workspace_id = ? AND email = ? AND external_id IS NULL ORDER BY created_at LIMIT 1")
        .bind(workspaceId, input.email)
        .first<{ id: string; name: string }>();
  if (existing) return { ...existing, create: null };
  const id = newId("ct");
  return {
    id,
    name: input.name,
    create: db
      .prepare("INSERT INTO contacts (workspace_id, id, name, email, external_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(workspaceId, id, input.name, input.email, input.externalId ?? null, Date.now()),
  };
}
