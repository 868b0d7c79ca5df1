import type { LobbySettings } from "../protocol/lobby";
import { queueEmail } from "../worker/email/outbox";
import type { Env } from "../worker/env";
import { roomFor } from "../worker/rooms";
import type { DueTarget } from "./lobby-targets";

/** Pages of a conversation read to find the first agent reply: a chat still owed one is short. */
const MAX_PAGES = 5;

const WHAT = {
  wait: (seconds: number) => `has waited for an agent longer than its target (${describe(seconds)})`,
  first_response: (seconds: number) => `has had no reply from its agent within its target (${describe(seconds)})`,
};

function describe(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * Emails the responsible agent and the channel's address that a chat missed a target. Each email's
 * idempotency key names the chat, the target and the moment its clock started, so a replayed
 * alarm sends nothing twice while a chat that waits again (reopened) is alerted again.
 */
export async function emailTargetMissed(env: Env, settings: LobbySettings, target: DueTarget, subject: string): Promise<void> {
  const seconds = (target.kind === "wait" ? settings.targets.waitSeconds : settings.targets.firstResponseSeconds) ?? 0;
  const text = `The chat "${subject}" ${WHAT[target.kind](seconds)}. Open it in the console: /console#/conversations/${target.conversationId}`;
  const recipients = new Set<string>();
  if (target.agentId) {
    const row = await env.DB.prepare("SELECT email FROM agents WHERE workspace_id = ? AND id = ?")
      .bind(settings.workspaceId, target.agentId)
      .first<{ email: string }>();
    if (row) recipients.add(row.email);
  }
  if (settings.notificationEmail) recipients.add(settings.notificationEmail);
  for (const to of recipients) {
    await queueEmail(
      env,
      { workspaceId: settings.workspaceId, to, idempotencyKey: `${target.conversationId}:target:${target.kind}:${target.startedAt}:${to}` },
      { template: "admin_alert", data: { conversationId: target.conversationId, subject: `Past target: ${subject}`, text } },
    );
  }
}

/** Whether an agent has answered the customer since `since` (the accept); a private note is no answer. */
export async function agentRepliedSince(env: Env, conversationId: string, since: number): Promise<boolean> {
  const room = roomFor(env, conversationId);
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const messages = await room.history(after, undefined, false);
    if (messages.some((m) => m.author.type === "agent" && m.createdAt >= since)) return true;
    if (messages.length === 0) return false;
    after = messages.at(-1)!.seq;
  }
  return false;
}
