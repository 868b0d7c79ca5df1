import { conversationTopicAndSubject, writeConversationOutcome } from "../worker/db/conversation-state";
import { writeHistory } from "../worker/db/conversations";
import { emailNewMessages } from "../worker/db/notifications";
import { emailMentions } from "../worker/db/mentions";
import { findChannel } from "../worker/db/channels";
import { queueEmail } from "../worker/email/outbox";
import { conversationThread } from "../worker/email/threading";
import { transcriptEmailData } from "../worker/email/transcript-email";
import type { Env } from "../worker/env";
import { observedAnything, observeMessages, recordMessageFacts, recordOutcomeFacts, recordSurveySent } from "../worker/reports/facts-store";
import type { RoomIdentity } from "./room-init";
import { emitRoomEvents, type RoomEventCursor } from "./room-events";
import type { OutboxItem, RoomOutbox } from "./room-outbox";
import type { RoomStore } from "./room-store";

const HISTORY_BATCH = 100;
/** Lines of the conversation an emailed reply shows before the new ones, and the most it carries. */
const REPLY_CONTEXT_LINES = 5;
const REPLY_MAX_LINES = 30;

/**
 * What a sync has got done. It is written to the room's storage in one synchronous step when the
 * sync stops, whether it finished or failed part-way: a sync costs the room one commit however
 * many steps it took, and a step is recorded only once it succeeded.
 */
export class SyncProgress {
  private syncedSeq = 0;
  private outcomeVersion = 0;
  private emittedSeq = 0;
  private readonly outboxDone: number[] = [];

  messagesCopied(seq: number): void {
    this.syncedSeq = seq;
  }

  outcomeCopied(version: number): void {
    this.outcomeVersion = version;
  }

  eventsEmitted(seq: number, outboxIds: number[]): void {
    this.emittedSeq = seq;
    this.outboxDone.push(...outboxIds);
  }

  outboxItemDone(id: number): void {
    this.outboxDone.push(id);
  }

  record(store: RoomStore, outbox: RoomOutbox, cursor: RoomEventCursor): void {
    if (this.syncedSeq > 0) store.markSynced(this.syncedSeq);
    if (this.outcomeVersion > 0) store.markOutcomeSynced(this.outcomeVersion);
    if (this.emittedSeq > 0) cursor.markEmitted(this.emittedSeq);
    for (const id of this.outboxDone) outbox.done(id);
  }
}

/**
 * Everything the room's alarm hands to the outside world: new messages and the conversation's
 * outcome to D1, then webhook events and the outbox (emails, the lobby's queue). Progress is
 * recorded only after each step succeeded, so a failure or crash anywhere repeats work instead of
 * losing it, and every write is keyed so that a repeat is harmless. Throws if anything is left
 * for a retry.
 */
export async function syncRoom(env: Env, store: RoomStore, outbox: RoomOutbox, cursor: RoomEventCursor): Promise<void> {
  const identity = store.identity();
  if (!identity) return;
  const progress = new SyncProgress();
  try {
    await copyAndDeliver({ env, store, outbox, cursor, identity, progress });
  } finally {
    progress.record(store, outbox, cursor);
  }
}

/** What one sync works with: the room's storage, who the room is, and where its progress goes. */
export type SyncContext = {
  env: Env;
  store: RoomStore;
  outbox: RoomOutbox;
  cursor: RoomEventCursor;
  identity: RoomIdentity;
  progress: SyncProgress;
};

async function copyAndDeliver(sync: SyncContext): Promise<void> {
  const { env, store, outbox, identity, progress } = sync;
  const { workspaceId, conversationId } = identity;

  let batch = store.messagesAfter(store.syncedSeq(), HISTORY_BATCH);
  while (batch.length > 0) {
    await writeHistory(env.DB, workspaceId, conversationId, batch);
    await emailNewMessages(env, workspaceId, conversationId, batch);
    await emailMentions(env, workspaceId, conversationId, batch);
    const seen = observeMessages(batch);
    if (observedAnything(seen)) await recordMessageFacts(env.DB, identity, seen, store.countSystem("reopened"));
    const last = batch.at(-1)!.seq;
    progress.messagesCopied(last);
    batch = store.messagesAfter(last, HISTORY_BATCH);
  }

  const outcome = store.unsyncedOutcome();
  if (outcome) {
    await writeConversationOutcome(env.DB, workspaceId, conversationId, outcome.outcome);
    await recordOutcomeFacts(env.DB, identity, outcome.outcome);
    progress.outcomeCopied(outcome.version);
  }

  // Emails do not wait for each other; the lobby's calls keep their order, so a failed one holds back the ones after it.
  const failed: unknown[] = [];
  await emitRoomEvents(sync).catch((err: unknown) => failed.push(err));
  let lobbyBlocked = false;
  for (const { id, item } of outbox.pending()) {
    if (item.kind === "event") continue;
    const forLobby = item.kind === "enqueue" || item.kind === "dequeue";
    if (forLobby && lobbyBlocked) continue;
    try {
      await deliver(env, store, identity, item);
      progress.outboxItemDone(id);
    } catch (err) {
      failed.push(err);
      lobbyBlocked ||= forLobby;
    }
  }
  if (failed.length > 0) throw new AggregateError(failed, "some outbox items failed");
}

async function deliver(env: Env, store: RoomStore, identity: RoomIdentity, item: Exclude<OutboxItem, { kind: "event" }>): Promise<void> {
  const { workspaceId, conversationId, channelId, contact, locale } = identity;
  const lobby = () => env.LOBBY.get(env.LOBBY.idFromName(channelId));
  if (item.kind === "dequeue") return lobby().dequeue(conversationId);

  // A conversation deleted meanwhile has nobody left to write to and nothing to queue.
  const facts = await conversationTopicAndSubject(env.DB, workspaceId, conversationId);
  if (!facts) return;
  // Every email about the conversation is answerable at its reply address and threads in the customer's client.
  const channelName = (await findChannel(env.DB, workspaceId, channelId))?.name;
  const envelope = async (idempotencyKey: string) => ({
    workspaceId,
    to: contact.email,
    locale,
    idempotencyKey,
    ...(channelName ? { fromName: channelName } : {}),
    thread: await conversationThread(env, { kind: "customer", conversationId }, idempotencyKey),
  });
  switch (item.kind) {
    case "enqueue":
      return lobby().enqueue({
        conversationId,
        subject: facts.subject,
        contactName: contact.name,
        topic: facts.topic,
        assignedAgentId: store.state().agent?.id ?? null,
      });
    case "transcript":
      return queueEmail(env, await envelope(item.idempotencyKey), {
        template: "transcript",
        data: await transcriptEmailData(conversationId, facts.subject, item.uptoSeq, (since, limit) => store.messagesAfter(since, limit)),
      });
    case "survey":
      await queueEmail(env, await envelope(item.idempotencyKey), {
        template: "survey",
        data: { conversationId, subject: facts.subject, contactName: contact.name },
      });
      return recordSurveySent(env.DB, identity, Date.now());
    case "reply_email": {
      // The newest lines up to the email's last one: a long burst keeps its end, a short one some context.
      const from = Math.max(0, item.afterSeq - REPLY_CONTEXT_LINES, item.uptoSeq - REPLY_MAX_LINES);
      // What the customer saw: no system lines, and never an agent's private note.
      const lines = store.messagesAfter(from, item.uptoSeq - from).filter((m) => m.author.type !== "system" && m.visibility !== "note");
      const newCount = lines.filter((m) => m.seq > item.afterSeq).length;
      if (newCount === 0) return;
      return queueEmail(env, await envelope(`${conversationId}:reply:${item.uptoSeq}`), {
        template: "reply",
        data: {
          conversationId,
          subject: facts.subject,
          channelName: channelName ?? "",
          lines: lines.map((m) => ({ author: m.author.name, body: m.body || `[${m.attachment?.name ?? "file"}]`, createdAt: m.createdAt })),
          newCount,
        },
      });
    }
  }
}
