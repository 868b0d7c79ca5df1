import { z } from "zod";
import { channelConfig, type ChannelConfig } from "../../protocol/channel";

const channelRow = z.object({
  workspace_id: z.string(),
  id: z.string(),
  key: z.string(),
  name: z.string(),
  allowed_origins: z.string(),
  config: z.string(),
  identity_secret: z.string().nullable(),
});

const allowedOrigins = z.array(z.string());

export type Channel = {
  workspaceId: string;
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  config: ChannelConfig;
  identitySecret: string | null;
};

function toChannel(row: unknown): Channel {
  const r = channelRow.parse(row);
  return {
    workspaceId: r.workspace_id,
    id: r.id,
    key: r.key,
    name: r.name,
    allowedOrigins: allowedOrigins.parse(JSON.parse(r.allowed_origins)),
    config: channelConfig.parse(JSON.parse(r.config)),
    identitySecret: r.identity_secret,
  };
}

const SELECT = "SELECT workspace_id, id, key, name, allowed_origins, config, identity_secret FROM channels";

export async function findChannelByKey(db: D1Database, key: string): Promise<Channel | null> {
  const row = await db.prepare(`${SELECT} WHERE key = ?`).bind(key).first();
  return row ? toChannel(row) : null;
}

export async function findChannel(db: D1Database, workspaceId: string, id: string): Promise<Channel | null> {
  const row = await db.prepare(`${SELECT} WHERE workspace_id = ? AND id = ?`).bind(workspaceId, id).first();
  return row ? toChannel(row) : null;
}

export async function listChannels(db: D1Database, workspaceId: string): Promise<Channel[]> {
  const { results } = await db.prepare(`${SELECT} WHERE workspace_id = ? ORDER BY name`).bind(workspaceId).all();
  return results.map(toChannel);
}

export function originAllowed(channel: Channel, origin: string | undefined): boolean {
  if (channel.allowedOrigins.includes("*")) return true;
  return origin !== undefined && channel.allowedOrigins.includes(origin);
}
