import { z } from "zod";

const channelRow = z.object({
  workspace_id: z.string(),
  id: z.string(),
  key: z.string(),
  name: z.string(),
  allowed_origins: z.string(),
  config: z.string(),
});

const allowedOrigins = z.array(z.string());

export type Channel = {
  workspaceId: string;
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
};

export async function findChannelByKey(db: D1Database, key: string): Promise<Channel | null> {
  const row = await db
    .prepare("SELECT workspace_id, id, key, name, allowed_origins, config FROM channels WHERE key = ?")
    .bind(key)
    .first();
  if (!row) return null;
  const r = channelRow.parse(row);
  return {
    workspaceId: r.workspace_id,
    id: r.id,
    key: r.key,
    name: r.name,
    allowedOrigins: allowedOrigins.parse(JSON.parse(r.allowed_origins)),
  };
}

export async function findChannel(db: D1Database, workspaceId: string, id: string): Promise<Channel | null> {
  const row = await db
    .prepare("SELECT key FROM channels WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ key: string }>();
  return row ? findChannelByKey(db, row.key) : null;
}

export function originAllowed(channel: Channel, origin: string | undefined): boolean {
  if (channel.allowedOrigins.includes("*")) return true;
  return origin !== undefined && channel.allowedOrigins.includes(origin);
}
