import { sha256Hex } from "../auth/encoding";

/** API keys are long random strings, so a plain SHA-256 is enough to store them safely. */
export async function findApiKeyWorkspace(db: D1Database, key: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT workspace_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
    .bind(await sha256Hex(key))
    .first<{ workspace_id: string }>();
  return row?.workspace_id ?? null;
}
