import type { ConversationStatus, Message } from "../protocol/frames";

/**
 * The room's own SQLite: its messages (the source of truth while the conversation lives), its
 * identity, and its timers. Every method is synchronous, so a caller that writes and then sends
 * on a socket without awaiting in between is held by the output gate until the write is durable.
 */
export type RoomMeta = {
  conversationId: string;
  workspaceId: string;
  channelId: string;
  status: ConversationStatus;
  syncedSeq: number;
};

type MessageRow = {
  seq: number;
  client_id: string;
  author_type: Message["author"]["type"];
  author_id: string | null;
  author_name: string;
  body: string;
  created_at: number;
};

const toMessage = (r: MessageRow): Message => ({
  seq: r.seq,
  clientId: r.client_id,
  author: { type: r.author_type, id: r.author_id, name: r.author_name },
  body: r.body,
  createdAt: r.created_at,
});

export class RoomStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS room (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        conversation_id TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        status TEXT NOT NULL,
        synced_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        author_type TEXT NOT NULL,
        author_id TEXT,
        author_name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS schedule (
        name TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  meta(): RoomMeta | null {
    const row = this.sql
      .exec<{ conversation_id: string; workspace_id: string; channel_id: string; status: string; synced_seq: number }>(
        "SELECT conversation_id, workspace_id, channel_id, status, synced_seq FROM room WHERE id = 1",
      )
      .toArray()[0];
    if (!row) return null;
    return {
      conversationId: row.conversation_id,
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      status: row.status as ConversationStatus,
      syncedSeq: row.synced_seq,
    };
  }

  init(meta: Omit<RoomMeta, "status" | "syncedSeq">): void {
    this.sql.exec(
      "INSERT INTO room (id, conversation_id, workspace_id, channel_id, status) VALUES (1, ?, ?, ?, 'queued') ON CONFLICT DO NOTHING",
      meta.conversationId,
      meta.workspaceId,
      meta.channelId,
    );
  }

  lastSeq(): number {
    return this.sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM messages").one().s;
  }

  findByClientId(clientId: string): Message | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE client_id = ?", clientId).toArray()[0];
    return row ? toMessage(row) : null;
  }

  append(input: Omit<Message, "seq" | "createdAt">): Message {
    const message: Message = { ...input, seq: this.lastSeq() + 1, createdAt: Date.now() };
    this.sql.exec(
      "INSERT INTO messages (seq, client_id, author_type, author_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      message.seq,
      message.clientId,
      message.author.type,
      message.author.id,
      message.author.name,
      message.body,
      message.createdAt,
    );
    return message;
  }

  messagesAfter(since: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", since, limit)
      .toArray()
      .map(toMessage);
  }

  markSynced(seq: number): void {
    this.sql.exec("UPDATE room SET synced_seq = MAX(synced_seq, ?) WHERE id = 1", seq);
  }

  /** Sets a timer unless it is already due sooner; returns the earliest due time of all timers. */
  schedule(name: string, dueAt: number, attempts = 0): number {
    this.sql.exec(
      `INSERT INTO schedule (name, due_at, attempts) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET due_at = MIN(due_at, excluded.due_at), attempts = excluded.attempts`,
      name,
      dueAt,
      attempts,
    );
    return this.nextDue() ?? dueAt;
  }

  reschedule(name: string, dueAt: number, attempts: number): void {
    this.sql.exec(
      "INSERT INTO schedule (name, due_at, attempts) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at, attempts = excluded.attempts",
      name,
      dueAt,
      attempts,
    );
  }

  takeDue(now: number): { name: string; attempts: number }[] {
    const due = this.sql
      .exec<{ name: string; attempts: number }>("SELECT name, attempts FROM schedule WHERE due_at <= ?", now)
      .toArray();
    this.sql.exec("DELETE FROM schedule WHERE due_at <= ?", now);
    return due;
  }

  nextDue(): number | null {
    return this.sql.exec<{ d: number | null }>("SELECT MIN(due_at) AS d FROM schedule").one().d;
  }
}
