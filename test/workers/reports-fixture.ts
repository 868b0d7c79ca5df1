import { env } from "cloudflare:workers";
import type { Feedback } from "../../protocol/frames";
import { newId } from "../../worker/db/ids";
import { recordMessageFacts, recordOutcomeFacts, recordSurveySent, type ObservedMessages } from "../../worker/reports/facts-store";
import { createWorkspace, type Workspace } from "./fixtures";

/** Helsinki wall clock to an instant: "2026-03-29 04:30" with the offset that day had (+02 winter, +03 summer). */
export const hel = (local: string, offset: "+02:00" | "+03:00") => Date.parse(`${local.replace(" ", "T")}:00${offset}`);
export const MIN = 60_000;

export type FixtureConversation = {
  id?: string;
  channel: "hours" | "always";
  topic?: string;
  createdAt: number;
  origin: "visitor" | "agent";
  agent?: "first" | "second";
  acceptedAt?: number;
  firstReplyAt?: number;
  endedAt?: number;
  endedBy?: "visitor" | "agent" | "idle" | "visitor_left";
  feedback?: Feedback;
  reopened?: number;
  survey?: { sentAt: number; repliedAt?: number };
};

/**
 * A workspace in Europe/Helsinki with two channels (one open Mon–Fri 09:00–17:00, one always),
 * two agents (the second in team "Second line"), and conversations whose facts are written by the
 * very functions the room's sync calls, so durations go through the business-hours code.
 */
export async function reportsWorkspace() {
  const ws = await createWorkspace({
    config: { openingHours: { timeZone: "Europe/Helsinki", days: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])) } },
  });
  const alwaysChannel = newId("ch");
  const first = (await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ?").bind(ws.workspaceId).first<{ id: string }>())!.id;
  const second = newId("ag");
  const team = newId("tm");
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("UPDATE workspaces SET time_zone = 'Europe/Helsinki' WHERE id = ?").bind(ws.workspaceId),
    env.DB.prepare("INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, created_at) VALUES (?, ?, ?, 'Always open', '[\"*\"]', '{}', ?)").bind(
      ws.workspaceId,
      alwaysChannel,
      `k-${alwaysChannel}`,
      now,
    ),
    env.DB.prepare("INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'Second Agent', 'agent', 'x', ?)").bind(
      ws.workspaceId,
      second,
      `second-${second}@example.com`,
      now,
    ),
    env.DB.prepare("INSERT INTO teams (workspace_id, id, name, created_at) VALUES (?, ?, 'Second line', ?)").bind(ws.workspaceId, team, now),
    env.DB.prepare("INSERT INTO team_members (workspace_id, team_id, agent_id) VALUES (?, ?, ?)").bind(ws.workspaceId, team, second),
  ]);
  return { ws, channels: { hours: ws.channelId, always: alwaysChannel }, agents: { first, second }, team };
}

export type ReportsWorkspace = Awaited<ReturnType<typeof reportsWorkspace>>;

export async function addConversation(w: ReportsWorkspace, c: FixtureConversation): Promise<string> {
  const { ws } = w;
  const id = c.id ?? newId("cv");
  const contact = newId("ct");
  await env.DB.batch([
    env.DB.prepare("INSERT INTO contacts (workspace_id, id, name, email, created_at) VALUES (?, ?, ?, ?, ?)").bind(ws.workspaceId, contact, `Customer ${id.slice(-4)}`, `${id}@example.com`, c.createdAt),
    env.DB.prepare(
      `INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, topic, status, agent_id, created_at, activity_at)
       VALUES (?, ?, ?, ?, ?, ?, 'ended', ?, ?, ?)`,
    ).bind(ws.workspaceId, id, w.channels[c.channel], contact, `Question ${id.slice(-4)}`, c.topic ?? null, c.agent ? w.agents[c.agent] : null, c.createdAt, c.createdAt),
  ]);
  const of = { workspaceId: ws.workspaceId, conversationId: id };
  const seen: ObservedMessages = { origin: c.origin, acceptedAt: c.acceptedAt ?? null, firstAgentReplyAt: c.firstReplyAt ?? null, lastVisitorMessageAt: null, reopened: (c.reopened ?? 0) > 0 };
  await recordMessageFacts(env.DB, of, seen, c.reopened ?? 0);
  const agent = c.agent ? { id: w.agents[c.agent], name: c.agent } : null;
  await recordOutcomeFacts(env.DB, of, {
    status: c.endedAt ? "ended" : "active",
    agent,
    endedAt: c.endedAt ?? null,
    endedBy: c.endedBy ?? null,
    feedback: c.feedback ?? null,
  });
  if (c.survey) {
    await recordSurveySent(env.DB, of, c.survey.sentAt);
    if (c.survey.repliedAt) await recordMessageFacts(env.DB, of, { ...seen, origin: null, lastVisitorMessageAt: c.survey.repliedAt }, c.reopened ?? 0);
  }
  return id;
}

export type { Workspace };
