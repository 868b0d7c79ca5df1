import type { z } from "zod";
import type { AdminChannel, createChannelRequest, updateChannelRequest } from "../../protocol/admin";
import { toHex } from "../auth/encoding";
import { conflict, isUniqueViolation } from "./admin-constraints";
import { findChannel, listChannels, type Channel } from "./channels";
import { newId } from "./ids";

type ChannelInput = z.output<typeof createChannelRequest> | z.output<typeof updateChannelRequest>;

const toAdminChannel = (c: Channel): AdminChannel => ({
  id: c.id,
  key: c.key,
  name: c.name,
  allowedOrigins: c.allowedOrigins,
  config: c.config,
  identitySecret: c.identitySecret,
});

/** Keys are unique across workspaces because the widget names its channel by key alone. */
const keyTaken = (key: string) =>
  conflict("channel_key_taken", `the channel key "${key}" is already taken; choose another key`);

export async function listAdminChannels(db: D1Database, workspaceId: string): Promise<AdminChannel[]> {
  return (await listChannels(db, workspaceId)).map(toAdminChannel);
}

export async function getAdminChannel(db: D1Database, workspaceId: string, id: string): Promise<AdminChannel | null> {
  const channel = await findChannel(db, workspaceId, id);
  return channel ? toAdminChannel(channel) : null;
}

export async function createChannel(db: D1Database, workspaceId: string, input: ChannelInput): Promise<AdminChannel> {
  const id = newId("ch");
  try {
    await db
      .prepare(
        "INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(workspaceId, id, input.key, input.name, JSON.stringify(input.allowedOrigins), JSON.stringify(input.config), Date.now())
      .run();
  } catch (err) {
    if (isUniqueViolation(err)) throw keyTaken(input.key);
    throw err;
  }
  return { id, key: input.key, name: input.name, allowedOrigins: input.allowedOrigins, config: input.config, identitySecret: null };
}

/** Replaces the channel's settings; null when the workspace has no such channel. */
export async function updateChannel(
  db: D1Database,
  workspaceId: string,
  id: string,
  input: ChannelInput,
): Promise<AdminChannel | null> {
  try {
    const result = await db
      .prepare("UPDATE channels SET key = ?, name = ?, allowed_origins = ?, config = ? WHERE workspace_id = ? AND id = ?")
      .bind(input.key, input.name, JSON.stringify(input.allowedOrigins), JSON.stringify(input.config), workspaceId, id)
      .run();
    if (result.meta.changes === 0) return null;
  } catch (err) {
    if (isUniqueViolation(err)) throw keyTaken(input.key);
    throw err;
  }
  return getAdminChannel(db, workspaceId, id);
}

/**
 * A fresh random secret replaces the old one at once, so host pages signing with the old secret
 * stop being trusted; `null` turns identity verification off. Null result: no such channel.
 */
export async function setIdentitySecret(
  db: D1Database,
  workspaceId: string,
  id: string,
  action: "rotate" | "remove",
): Promise<{ identitySecret: string | null } | null> {
  const identitySecret = action === "rotate" ? toHex(crypto.getRandomValues(new Uint8Array(32))) : null;
  const result = await db
    .prepare("UPDATE channels SET identity_secret = ? WHERE workspace_id = ? AND id = ?")
    .bind(identitySecret, workspaceId, id)
    .run();
  return result.meta.changes === 0 ? null : { identitySecret };
}
