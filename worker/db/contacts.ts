import { newId } from "./ids";

export type ContactInput = {
  name: string;
  email: string;
  externalId?: string | undefined;
  /**
   * The email is only what an anonymous visitor typed: nothing vouches for it. Staff and
   * integrators (who name contacts themselves) and a host page's verified identity leave it unset.
   */
  unverified?: boolean;
};

type Found = { id: string; name: string };

/**
 * Finds the contact a visitor is: by the host page's verified customer id when there is one,
 * else by email. Returns the statement that creates it when it is new, so callers can batch it
 * with what they insert next.
 *
 * Anyone can type anyone's email into the widget, so an unverified one never joins a contact that
 * knows more than the visitor typed (a name of its own, an account, a verified email or customer
 * id): the conversation then gets a new contact of its own, marked unverified, and the visitor
 * learns nothing stored about whoever owns the address. It joins only a contact just like it, so
 * an anonymous visitor who comes back with the same name and email keeps one contact. The other
 * way round, staff and integrators naming an email never land on a contact an anonymous visitor made.
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
        .first<Found>()
    : input.unverified
      ? await db
          .prepare(
            `SELECT id, name FROM contacts WHERE workspace_id = ? AND email = ? AND name = ?
             AND external_id IS NULL AND account_id IS NULL AND email_verified = 0 ORDER BY created_at LIMIT 1`,
          )
          .bind(workspaceId, input.email, input.name)
          .first<Found>()
      : await db
          .prepare(
            `SELECT id, name FROM contacts WHERE workspace_id = ? AND email = ? AND external_id IS NULL AND email_verified = 1
             ORDER BY created_at LIMIT 1`,
          )
          .bind(workspaceId, input.email)
          .first<Found>();
  if (existing) return { ...existing, create: null };
  const id = newId("ct");
  return {
    id,
    name: input.name,
    create: db
      .prepare("INSERT INTO contacts (workspace_id, id, name, email, external_id, email_verified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(workspaceId, id, input.name, input.email, input.externalId ?? null, input.unverified ? 0 : 1, Date.now()),
  };
}
