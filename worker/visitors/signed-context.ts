import type { VisitorIdentity } from "../../protocol/api";
import type { AttributeMap } from "../../protocol/custom-attributes";
import { verifyIdentity } from "../auth/identity";
import { USER_TOKEN_FAILURES, verifyUserToken, type UserTokenClaims } from "../auth/user-token";
import type { Channel } from "../db/channels";
import { setAttributes } from "../db/custom-attributes";
import { newId } from "../db/ids";
import { HttpError } from "../http/errors";

/** Who the host page says its visitor is, once checked: a customer id with what was signed beside it. */
export type VerifiedVisitor = { userId: string; name?: string | undefined; email?: string | undefined; claims: UserTokenClaims | null };

/**
 * A `user-token` is checked first and, when sent, must be valid: a host that signs its customers
 * wants to hear that its tokens are wrong (401 with the reason), not to have them quietly become
 * anonymous. A `user-hash` that does not match stays what it always was: an anonymous visitor.
 */
export async function verifiedVisitor(
  channel: Channel,
  input: { identity?: VisitorIdentity | undefined; userToken?: string | undefined },
): Promise<VerifiedVisitor | null> {
  if (input.userToken) {
    const result = await verifyUserToken(channel.identitySecret, input.userToken);
    if (!result.ok) throw new HttpError(401, "user_token_invalid", USER_TOKEN_FAILURES[result.reason]);
    const { sub, name, email } = result.claims;
    return { userId: sub, name, email, claims: result.claims };
  }
  if (input.identity && (await verifyIdentity(channel.identitySecret, input.identity))) {
    return { userId: input.identity.userId, name: input.identity.userName, email: input.identity.userEmail, claims: null };
  }
  return null;
}

/**
 * What a new conversation learns from the host page: signed attributes go on the contact (they
 * describe the customer), the signed account links the contact to it (found or created by the
 * host's own account id), the signed request goes on the conversation, and unsigned attributes go
 * on the conversation only, marked unverified, so that no page can write to a shared contact.
 */
export async function recordHostContext(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
  claims: UserTokenClaims | null,
  unsigned: AttributeMap | undefined,
): Promise<void> {
  if (unsigned) await setAttributes(db, workspaceId, "conversation", conversationId, unsigned, false);
  if (!claims) return;
  const row = await db
    .prepare("SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, conversationId)
    .first<{ contact_id: string }>();
  if (!row) return;
  if (claims.attributes) await setAttributes(db, workspaceId, "contact", row.contact_id, claims.attributes, true);
  const statements: D1PreparedStatement[] = [];
  if (claims.request_id) {
    statements.push(db.prepare("UPDATE conversations SET request_id = ? WHERE workspace_id = ? AND id = ?").bind(claims.request_id, workspaceId, conversationId));
  }
  if (claims.account_id) {
    const accountId = await accountByExternalId(db, workspaceId, claims.account_id, claims.account_name ?? claims.account_id);
    statements.push(db.prepare("UPDATE contacts SET account_id = ? WHERE workspace_id = ? AND id = ?").bind(accountId, workspaceId, row.contact_id));
  }
  if (statements.length > 0) await db.batch(statements);
}

/** Integrators upsert accounts by their own ids (migration 0007); a signed token does the same. */
async function accountByExternalId(db: D1Database, workspaceId: string, externalId: string, name: string): Promise<string> {
  await db
    .prepare("INSERT INTO accounts (workspace_id, id, name, external_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .bind(workspaceId, newId("acc"), name, externalId, Date.now())
    .run();
  const found = await db
    .prepare("SELECT id FROM accounts WHERE workspace_id = ? AND external_id = ?")
    .bind(workspaceId, externalId)
    .first<{ id: string }>();
  if (!found) throw new Error("account upsert found nothing");
  return found.id;
}
