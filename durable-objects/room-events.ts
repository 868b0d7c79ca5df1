import type { Message } from "../protocol/frames";
import { getConversation } from "../worker/db/conversations";
import type { Env } from "../worker/env";
import { emitEvents, type WebhookEvent } from "../worker/webhooks/emit";
import { endedTranscript } from "../worker/webhooks/ended-transcript";
import type { RoomIdentity } from "./room-init";
import type { OutboxItem } from "./room-outbox";
import type { RoomStore } from "./room-store";
import type { SyncContext } from "./room-sync";

type EventItem = Extract<OutboxItem, { kind: "event" }>;

const EMIT_BATCH = 100;

/**
 * How far `message.created` has been handed to the webhook dispatchers. Messages are not copied
 * into the outbox: their events are derived from the messages themselves, in seq order, and
 * interleaved with the outbox's other events by the seq each one followed.
 */
export class RoomEventCursor {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS event_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), emitted_seq INTEGER NOT NULL);
      INSERT INTO event_cursor (id, emitted_seq) VALUES (1, 0) ON CONFLICT DO NOTHING;
    `);
  }

  emittedSeq(): number {
    return this.sql.exec<{ s: number }>("SELECT emitted_seq AS s FROM event_cursor").one().s;
  }

  markEmitted(seq: number): void {
    this.sql.exec("UPDATE event_cursor SET emitted_seq = MAX(emitted_seq, ?)", seq);
  }
}

/** A message is `message.created`; a private note is `note.created`, so a receiver that keeps the customer's thread never sees one. */
const messageEvent = (conversationId: string, message: Message): WebhookEvent =>
  message.visibility === "note"
    ? {
        id: `evt_${conversationId}_n${message.seq}`,
        type: "note.created",
        orderingKey: conversationId,
        createdAt: message.createdAt,
        data: { conversation: { id: conversationId }, note: message },
      }
    : {
        id: `evt_${conversationId}_m${message.seq}`,
        type: "message.created",
        orderingKey: conversationId,
        createdAt: message.createdAt,
        data: { conversation: { id: conversationId }, message },
      };

/**
 * Hands the conversation's webhook events to the dispatchers, in the order things happened: each
 * message in seq order, each other event right after the message it followed. Progress is
 * recorded only after a batch is durable in the dispatchers; ids are derived from seqs and outbox
 * rows, so a replay after a crash delivers nothing twice. Progress goes to `progress`, which the
 * sync writes when it stops.
 */
export async function emitRoomEvents({ env, store, outbox, cursor, identity, progress }: SyncContext): Promise<void> {
  const { workspaceId, conversationId } = identity;
  const pending = outbox.pending().filter((p): p is { id: number; item: EventItem } => p.item.kind === "event");
  let batch: WebhookEvent[] = [];
  let done: number[] = [];
  let emitted = cursor.emittedSeq();

  const flush = async (uptoSeq: number) => {
    if (batch.length > 0) await emitEvents(env, workspaceId, batch);
    progress.eventsEmitted(uptoSeq, done);
    batch = [];
    done = [];
  };
  const messagesUpTo = async (seq: number) => {
    while (emitted < seq) {
      const page = store.messagesAfter(emitted, Math.min(EMIT_BATCH, seq - emitted));
      if (page.length === 0) break;
      batch.push(...page.map((m) => messageEvent(conversationId, m)));
      emitted = page.at(-1)!.seq;
      if (batch.length >= EMIT_BATCH) await flush(emitted);
    }
  };

  for (const { id, item } of pending) {
    await messagesUpTo(item.afterSeq);
    const event = await eventOf(env, store, identity, id, item);
    if (event) batch.push(event);
    done.push(id);
  }
  await messagesUpTo(store.lastSeq());
  await flush(emitted);
}

async function eventOf(env: Env, store: RoomStore, identity: RoomIdentity, rowId: number, item: EventItem): Promise<WebhookEvent | null> {
  const { conversationId, workspaceId } = identity;
  const base = { id: `evt_${conversationId}_o${rowId}`, orderingKey: conversationId, createdAt: item.at };
  const conversation = { id: conversationId };
  switch (item.event.type) {
    case "conversation.created": {
      const summary = await getConversation(env.DB, workspaceId, conversationId);
      if (!summary) return null;
      const { channelId: _c, activityAt: _a, ...rest } = summary;
      return { ...base, type: "conversation.created", data: { conversation: rest } };
    }
    case "conversation.queued":
      return { ...base, type: "conversation.queued", data: { conversation, position: item.event.position } };
    case "conversation.accepted":
      return { ...base, type: "conversation.accepted", data: { conversation, agent: item.event.agent } };
    case "conversation.ended":
      return {
        ...base,
        type: "conversation.ended",
        data: {
          conversation,
          endedBy: item.event.endedBy,
          ...endedTranscript(conversationId, item.afterSeq, (since, limit) => store.messagesAfter(since, limit)),
        },
      };
    case "conversation.rated":
      return { ...base, type: "conversation.rated", data: { conversation, feedback: item.event.feedback } };
    case "conversation.assigned": {
      const { type: _t, ...assigned } = item.event;
      return { ...base, type: "conversation.assigned", data: { conversation, ...assigned } };
    }
    case "conversation.reopened":
      return { ...base, type: "conversation.reopened", data: { conversation, status: item.event.status } };
  }
}
