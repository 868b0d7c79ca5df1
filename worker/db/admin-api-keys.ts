import { z } from "zod";
import type { ApiKeySummary, CreateApiKeyResponse } from "../../protocol/admin";
import { randomToken, sha256Hex } from "../auth/encoding";
import { newId } from "./ids";

const keyRow = z.object({ id: z.string(), name: z.string(), created_at: z.number(), revoked_at: z.number().nullable() });

function toSummary(row: unknown): ApiKeySummary {
  const r = keyRow.parse(row);
  return { id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at };
}

const COLUMNS = "id, name, created_at, revoked_at";

export async function listApiKeys(db: D1Database, workspaceId: string): Promise<ApiKeySummary[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = ? ORDER BY created_at DESC`)
    .bind(workspaceId)
    .all();
  return results.map(toSummary);
}

/**
 * 32 random bytes, so the plain SHA-256 kept in D1 cannot be reversed; the key itself is returned
 * here once and never stored.
 */
export async function createApiKey(db: D1Database, workspaceId: string, name: string): Promise<CreateApiKeyResponse> {
  const key = `parley_${randomToken(32)}`;
  const apiKey: ApiKeySummary = { id: newId("key"), name, createdAt: Date.now(), revokedAt: null };
  await db
    .prepare("INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(await sha256Hex(key), workspaceId, apiKey.id, apiKey.name, apiKey.createdAt)
    .run();
  return { apiKey, key };
}

/** Revoking takes effect on the next request; revoking twice keeps the first time. Null: no such key. */
export async function revokeApiKey(db: D1Database, workspaceId: string, id: string): Promise<ApiKeySummary | null> {
  const row = await db
    .prepare(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE workspace_id = ? AND id = ? RETURNING ${COLUMNS}`,
    )
    .bind(Date.now(), workspaceId, id)
    .first();
  return row ? toSummary(row) : null;
}
