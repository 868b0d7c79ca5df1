import type { Message } from "../../protocol/frames";
import type { ConversationOutcome } from "../db/conversation-state";
import { findChannel } from "../db/channels";
import { businessMs } from "./business-time";

/** Which conversation a room's facts are about. */
export type FactsOf = { workspaceId: string; conversationId: string };

/** What one batch of copied messages says about the conversation; see `observeMessages`. */
export type ObservedMessages = {
  origin: "visitor" | "agent" | null;
  acceptedAt: number | null;
  firstAgentReplyAt: number | null;
  lastVisitorMessageAt: number | null;
  /** The visitor went back to the chat (or wrote after it ended): the reopen count the room keeps has grown. */
  reopened: boolean;
};

/**
 * Reads a batch of messages, in seq order, for the facts a report needs. The room's sync sees
 * every message once (and again only on a replay, which yields the same answers), so the first
 * "joined" is the accept and the first agent-written message the first reply.
 */
export function observeMessages(batch: Message[]): ObservedMessages {
  const first = batch.find((m) => m.seq === 1);
  const origin = first && first.author.type !== "system" ? first.author.type : null;
  const joined = batch.find((m) => m.event?.kind === "joined");
  // An agent's own opening message in a thread they started is not a reply to anyone.
  // A private note is between agents: the customer has still had no answer.
  const reply = batch.find((m) => m.author.type === "agent" && m.visibility !== "note" && !(origin === "agent" && m.seq === 1));
  const visitor = batch.findLast((m) => m.author.type === "visitor");
  return {
    origin,
    acceptedAt: joined?.createdAt ?? null,
    firstAgentReplyAt: reply?.createdAt ?? null,
    lastVisitorMessageAt: visitor?.createdAt ?? null,
    reopened: batch.some((m) => m.event?.kind === "reopened"),
  };
}

/** Worth a write: the first message, an accept, an agent's message, a reopen, or a visitor who may be answering the survey. */
export const observedAnything = (o: ObservedMessages) =>
  o.origin !== null || o.acceptedAt !== null || o.firstAgentReplyAt !== null || o.lastVisitorMessageAt !== null || o.reopened;

type FactsRow = {
  channel_id: string;
  origin: "visitor" | "agent" | null;
  created_at: number;
  accepted_at: number | null;
  first_agent_reply_at: number | null;
  ended_at: number | null;
  durations_of: string | null;
};

// The row starts from the conversation's own D1 row, so it exists only while the conversation does.
const UPSERT_HEAD = `INSERT INTO conversation_facts (workspace_id, conversation_id, channel_id, contact_id, topic, created_at,`;
const UPSERT_FROM = `FROM conversations c WHERE c.workspace_id = ? AND c.id = ? ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET`;
const RETURNING = `WHERE conversation_facts.deleted_at IS NULL
  RETURNING channel_id, origin, created_at, accepted_at, first_agent_reply_at, ended_at, durations_of`;
// SQLite's two-argument MIN is NULL if either is: keep whichever is known, the earlier if both.
const earliest = (col: string) => `${col} = COALESCE(MIN(conversation_facts.${col}, excluded.${col}), conversation_facts.${col}, excluded.${col})`;

/**
 * Records what a batch of copied messages showed, before the sync counts the batch as copied (so a
 * failure here repeats the batch). Earliest times win and counts only grow, so a replay is harmless.
 */
export async function recordMessageFacts(db: D1Database, of: FactsOf, seen: ObservedMessages, reopened: number): Promise<void> {
  const upsert = db
    .prepare(
      `${UPSERT_HEAD} origin, accepted_at, first_agent_reply_at, reopened)
       SELECT c.workspace_id, c.id, c.channel_id, c.contact_id, c.topic, c.created_at, ?, ?, ?, ? ${UPSERT_FROM}
       origin = COALESCE(conversation_facts.origin, excluded.origin), ${earliest("accepted_at")}, ${earliest("first_agent_reply_at")},
       reopened = MAX(conversation_facts.reopened, excluded.reopened) ${RETURNING}`,
    )
    .bind(seen.origin, seen.acceptedAt, seen.firstAgentReplyAt, reopened, of.workspaceId, of.conversationId);
  const statements = [upsert];
  if (seen.lastVisitorMessageAt !== null) {
    statements.push(
      db
        .prepare(
          `UPDATE conversation_facts SET survey_replied_at = ? WHERE workspace_id = ? AND conversation_id = ?
           AND survey_sent_at < ? AND survey_replied_at IS NULL`,
        )
        .bind(seen.lastVisitorMessageAt, of.workspaceId, of.conversationId, seen.lastVisitorMessageAt),
    );
  }
  const [result] = await db.batch<FactsRow>(statements);
  await settleDurations(db, of, result?.results[0]);
}

/** Records the room's outcome (how it ended, who has it, the end form) beside the conversation's own copy. */
export async function recordOutcomeFacts(db: D1Database, of: FactsOf, o: ConversationOutcome): Promise<void> {
  const feedback = o.feedback;
  const row = await db
    .prepare(
      `${UPSERT_HEAD} ended_at, ended_reason, agent_id, satisfied, rating, comment, feedback_given)
       SELECT c.workspace_id, c.id, c.channel_id, c.contact_id, c.topic, c.created_at, ?, ?, ?, ?, ?, ?, ? ${UPSERT_FROM}
       ended_at = excluded.ended_at, ended_reason = excluded.ended_reason, agent_id = excluded.agent_id,
       satisfied = excluded.satisfied, rating = excluded.rating, comment = excluded.comment, feedback_given = excluded.feedback_given
       ${RETURNING}`,
    )
    .bind(
      o.endedAt,
      o.endedBy,
      o.agent?.id ?? null,
      feedback?.satisfied == null ? null : feedback.satisfied ? 1 : 0,
      feedback?.rating ?? null,
      feedback?.comment ? feedback.comment : null,
      feedback ? 1 : 0,
      of.workspaceId,
      of.conversationId,
    )
    .first<FactsRow>();
  await settleDurations(db, of, row ?? undefined);
}

/** The survey email is on its way; a visitor message after `at` counts as its answer. */
export async function recordSurveySent(db: D1Database, of: FactsOf, at: number): Promise<void> {
  await db
    .prepare("UPDATE conversation_facts SET survey_sent_at = COALESCE(survey_sent_at, ?) WHERE workspace_id = ? AND conversation_id = ?")
    .bind(at, of.workspaceId, of.conversationId)
    .run();
}

/**
 * Computes the three durations again when a timestamp they depend on changed, in the channel's
 * opening hours as they are now (a chat is measured by the hours it was handled in, not by later ones).
 */
async function settleDurations(db: D1Database, of: FactsOf, row: FactsRow | undefined): Promise<void> {
  if (!row) return;
  const key = JSON.stringify([row.origin, row.accepted_at, row.first_agent_reply_at, row.ended_at]);
  if (row.durations_of === key) return;
  const hours = (await findChannel(db, of.workspaceId, row.channel_id))?.config.openingHours ?? null;
  const span = (from: number | null, to: number | null) => (from === null || to === null ? null : businessMs(hours, from, to));
  const queued = row.origin === "visitor";
  const handledFrom = row.accepted_at ?? (row.origin === "agent" ? row.created_at : null);
  await db
    .prepare(
      `UPDATE conversation_facts SET wait_ms = ?, first_response_ms = ?, resolution_ms = ?, durations_of = ?
       WHERE workspace_id = ? AND conversation_id = ?`,
    )
    .bind(
      queued ? span(row.created_at, row.accepted_at) : null,
      queued ? span(row.created_at, row.first_agent_reply_at) : null,
      span(handledFrom, row.ended_at),
      key,
      of.workspaceId,
      of.conversationId,
    )
    .run();
}
