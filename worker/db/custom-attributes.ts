import type { AttributeValue, CustomAttribute } from "../../protocol/custom-attributes";
import { LIMITS } from "../../protocol/limits";
import { HttpError } from "../http/errors";

/**
 * Custom attributes of contacts and conversations (migration 0024). Values are stored as JSON so
 * that 42, "42" and true stay what they were; a list filter matches either spelling of a value.
 *
 * @example
 * await setAttributes(db, ws, "contact", contactId, { plan: "pro", seats: 12 }, true);
 */
export type AttributeSubject = "contact" | "conversation";

type Row = { key: string; value: string; verified: number; updated_at: number };

export async function listAttributes(db: D1Database, workspaceId: string, subject: AttributeSubject, id: string): Promise<CustomAttribute[]> {
  const { results } = await db
    .prepare("SELECT key, value, verified, updated_at FROM custom_attributes WHERE workspace_id = ? AND subject_type = ? AND subject_id = ? ORDER BY key")
    .bind(workspaceId, subject, id)
    .all<Row>();
  return results.map((r) => ({ key: r.key, value: JSON.parse(r.value) as AttributeValue, verified: r.verified === 1, updatedAt: r.updated_at }));
}

/**
 * Sets (or, with null, deletes) attributes. An unverified value never replaces a verified one: a
 * visitor's page cannot overwrite what the host signed. Past the cap the whole request is refused.
 */
export async function setAttributes(
  db: D1Database,
  workspaceId: string,
  subject: AttributeSubject,
  id: string,
  values: Record<string, AttributeValue | null>,
  verified: boolean,
): Promise<void> {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  const existing = await listAttributes(db, workspaceId, subject, id);
  const keys = new Set(existing.map((a) => a.key));
  for (const [key, value] of entries) {
    if (value === null) keys.delete(key);
    else keys.add(key);
  }
  if (keys.size > LIMITS.customAttributes.perSubject) {
    throw new HttpError(400, "too_many_attributes", `a ${subject} has at most ${LIMITS.customAttributes.perSubject} attributes`);
  }
  const now = Date.now();
  await db.batch(
    entries.map(([key, value]) =>
      value === null
        ? db.prepare("DELETE FROM custom_attributes WHERE workspace_id = ? AND subject_type = ? AND subject_id = ? AND key = ?").bind(workspaceId, subject, id, key)
        : db
            .prepare(
              `INSERT INTO custom_attributes (workspace_id, subject_type, subject_id, key, value, verified, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (workspace_id, subject_type, subject_id, key) DO UPDATE SET value = excluded.value, verified = excluded.verified,
                 updated_at = excluded.updated_at WHERE excluded.verified >= custom_attributes.verified`,
            )
            .bind(workspaceId, subject, id, key, JSON.stringify(value), verified ? 1 : 0, now),
    ),
  );
}

/**
 * A SQL condition (and its parameters) that keeps rows whose `idColumn` subject has every one of
 * these attributes, e.g. `attr.plan=pro`. The text typed matches a string value or, when it reads
 * as one, the number or boolean.
 */
export function attributeFilter(subject: AttributeSubject, idColumn: string, workspaceColumn: string, filter: Record<string, string>) {
  const clauses: string[] = [];
  const params: string[] = [];
  for (const [key, text] of Object.entries(filter)) {
    clauses.push(
      `EXISTS (SELECT 1 FROM custom_attributes a WHERE a.workspace_id = ${workspaceColumn} AND a.subject_type = '${subject}'
        AND a.subject_id = ${idColumn} AND a.key = ? AND a.value IN (?, ?))`,
    );
    params.push(key, JSON.stringify(text), text);
  }
  return { sql: clauses.join(" AND "), params };
}
