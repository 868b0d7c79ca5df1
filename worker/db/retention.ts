import { LIMITS } from "../../protocol/limits";
import type { RetentionSetting } from "../../protocol/retention";

/** The workspace's retention as its admin set it, with Parley's default beside it. */
export async function getRetention(db: D1Database, workspaceId: string): Promise<RetentionSetting> {
  const row = await db.prepare("SELECT retention_days AS days FROM workspaces WHERE id = ?").bind(workspaceId).first<{ days: number | null }>();
  return { days: row?.days ?? null, defaultDays: LIMITS.retention.defaultDays };
}

export async function setRetention(db: D1Database, workspaceId: string, days: number | null): Promise<RetentionSetting> {
  await db.prepare("UPDATE workspaces SET retention_days = ? WHERE id = ?").bind(days, workspaceId).run();
  return { days, defaultDays: LIMITS.retention.defaultDays };
}
