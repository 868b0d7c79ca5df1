import {
  conversationStatus,
  endReason,
  feedbackSchema,
  type AgentRef,
  type ConversationStatus,
  type EndReason,
  type Feedback,
  type Message,
  type ReadState,
} from "../protocol/frames";
import { locale } from "../protocol/channel";
import type { ConversationOutcome } from "../worker/db/conversation-state";
import { MESSAGE_COLUMNS, messageValues, NOTE_COLUMNS, noteValues, toMessage, type MessageRow } from "../worker/db/message-columns";
import type { RoomIdentity } from "./room-init";

/**
 * The room's own SQLite: who the conversation is with, where it stands, and its messages (the
 * source of truth while the conversation lives). Every method is synchronous, so a caller that
 * writes and then sends on a socket without awaiting in between is held by the output gate until
 * the write is durable.
 */

/** Everything about the conversation that changes as it goes on. */
export type RoomState = {
  status: ConversationStatus;
  agent: AgentRef | null;
  /** Whether an agent ever took the conversation: "Back to chat" returns to them, not to the queue. */
  accepted: boolean;
  queuePosition: number | null;
  endedBy: EndReason | null;
  endedAt: number | null;
  feedback: Feedback | null;
  read: ReadState;
  transcriptRequests: number;
  /** When the visitor's last socket closed; null while they are on the page, or if they never came. */
  visitorLeftAt: number | null;
  /** The newest message emailed to the customer (so each reaches their inbox once). */
  emailedSeq: number;
};


type ConversationRow = {
  conversation_id: string;
  workspace_id: string;
  channel_id: string;
  contact_name: string;
  contact_email: string;
  locale: string;
  idle_minutes: number;
  allow_back_to_chat: number;
  transcript_email: number;
  leave_grace_seconds: number;
  reply_email_delay_seconds: number;
  status: string;
  agent_id: string | null;
  agent_name: string | null;
  accepted: number;
  queue_position: number | null;
  ended_by: string | null;
  ended_at: number | null;
  feedback: string | null;
  read_visitor: number;
  read_agent: number;
  transcript_requests: number;
  visitor_left_at: number | null;
  emailed_seq: number;
  synced_seq: number;
  state_version: number;
  synced_state_version: number;
};

const toState = (r: ConversationRow): RoomState => ({
  status: conversationStatus.parse(r.status),
  agent: r.agent_id === null ? null : { id: r.agent_id, name: r.agent_name ?? "" },
  accepted: r.accepted === 1,
  queuePosition: r.queue_position,
  endedBy: endReason.nullable().parse(r.ended_by),
  endedAt: r.ended_at,
  feedback: r.feedback === null ? null : feedbackSchema.parse(JSON.parse(r.feedback)),
  read: { visitor: r.read_visitor, agent: r.read_agent },
  transcriptRequests: r.transcript_requests,
  visitorLeftAt: r.visitor_left_at,
  emailedSeq: r.emailed_seq,
});

const identityOf = (r: ConversationRow): RoomIdentity => ({
  conversationId: r.conversation_id,
  workspaceId: r.workspace_id,
  channelId: r.channel_id,
  contact: { name: r.contact_name, email: r.contact_email },
  locale: locale.parse(r.locale),
  settings: {
    idleMinutes: r.idle_minutes,
    allowBackToChat: r.allow_back_to_chat === 1,
    transcriptEmail: r.transcript_email === 1,
    leaveGraceSeconds: r.leave_grace_seconds,
    replyEmailDelaySeconds: r.reply_email_delay_seconds,
  },
});

const outcomeKey = (s: ConversationOutcome) => JSON.stringify([s.status, s.agent?.id ?? null, s.endedBy, s.endedAt, s.feedback]);

/**
 * Rooms created before a column existed get it here, once. Durable Objects refuse pragmas, so a
 * one-row table records how far a room's schema has come: a wake-up costs one read.
 */
const SCHEMA_VERSION = 5;
const ADDED_COLUMNS = [
  "ALTER TABLE conversation ADD COLUMN leave_grace_seconds INTEGER NOT NULL DEFAULT 120",
  "ALTER TABLE conversation ADD COLUMN visitor_left_at INTEGER",
  "ALTER TABLE conversation ADD COLUMN emailed_seq INTEGER NOT NULL DEFAULT 0",
  "ALTER TABLE conversation ADD COLUMN reply_email_delay_seconds INTEGER NOT NULL DEFAULT 180",
  "ALTER TABLE messages ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'",
  "ALTER TABLE messages ADD COLUMN mentions TEXT",
];
function upgradeSchema(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS room_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  const version = sql.exec<{ version: number }>("SELECT version FROM room_schema").toArray()[0]?.version ?? 1;
  if (version >= SCHEMA_VERSION) return;
  for (const alter of ADDED_COLUMNS) {
    try {
      sql.exec(alter);
    } catch (err) {
      // A room made after the column was added to CREATE TABLE has it already.
      if (!String(err).includes("duplicate column")) throw err;
    }
  }
  sql.exec("INSERT INTO room_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version", SCHEMA_VERSION);
}

/**
 * The room is single-threaded and the only writer of its storage, so the conversation row and the
 * newest seq are read once and then kept in memory, updated by the same methods that write them:
 * a message costs one INSERT, not a round of reads. A failed write throws before the copy changes,
 * and a failed commit resets the whole object, so the copy never runs ahead of storage.
 */
export class RoomStore {
  private cachedRow: ConversationRow | null | undefined;
  private cachedIdentity: RoomIdentity | null = null;
  private cachedState: RoomState | null = null;
  private cachedLastSeq: number | undefined;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS conversation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        conversation_id TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        contact_email TEXT NOT NULL,
        locale TEXT NOT NULL,
        idle_minutes INTEGER NOT NULL,
        allow_back_to_chat INTEGER NOT NULL,
        transcript_email INTEGER NOT NULL,
        status TEXT NOT NULL,
        agent_id TEXT,
        agent_name TEXT,
        accepted INTEGER NOT NULL,
        queue_position INTEGER,
        ended_by TEXT,
        ended_at INTEGER,
        feedback TEXT,
        read_visitor INTEGER NOT NULL DEFAULT 0,
        read_agent INTEGER NOT NULL DEFAULT 0,
        transcript_requests INTEGER NOT NULL DEFAULT 0,
        synced_seq INTEGER NOT NULL DEFAULT 0,
        -- Bumped whenever the part of the state that D1 copies changes; the alarm copies it and
        -- records the version it copied, so a crash in between just copies it again.
        state_version INTEGER NOT NULL DEFAULT 1,
        synced_state_version INTEGER NOT NULL DEFAULT 0,
        leave_grace_seconds INTEGER NOT NULL DEFAULT 120,
        visitor_left_at INTEGER,
        emailed_seq INTEGER NOT NULL DEFAULT 0,
        reply_email_delay_seconds INTEGER NOT NULL DEFAULT 180
      );
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        author_type TEXT NOT NULL,
        author_id TEXT,
        author_name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attachment TEXT,
        event TEXT,
        visibility TEXT NOT NULL DEFAULT 'public',
        mentions TEXT
      );
    `);
    upgradeSchema(sql);
  }

  private row(): ConversationRow | null {
    if (this.cachedRow === undefined) this.remember(this.sql.exec<ConversationRow>("SELECT * FROM conversation WHERE id = 1").toArray()[0] ?? null);
    return this.cachedRow ?? null;
  }

  private remember(row: ConversationRow | null): void {
    this.cachedRow = row;
    this.cachedIdentity = row && identityOf(row);
    this.cachedState = row && toState(row);
  }

  identity(): RoomIdentity | null {
    this.row();
    return this.cachedIdentity;
  }

  /** Only for an initialised room; callers check `identity()` first. */
  state(): RoomState {
    this.row();
    return this.cachedState!;
  }


  /** Idempotent: a second call for the same room changes nothing. */
  init(identity: RoomIdentity, status: "queued" | "active", agent: AgentRef | null): void {
    this.sql.exec(
      `INSERT INTO conversation (id, conversation_id, workspace_id, channel_id, contact_name, contact_email, locale,
         idle_minutes, allow_back_to_chat, transcript_email, leave_grace_seconds, reply_email_delay_seconds, status, agent_id, agent_name, accepted)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      identity.conversationId,
      identity.workspaceId,
      identity.channelId,
      identity.contact.name,
      identity.contact.email,
      identity.locale,
      identity.settings.idleMinutes,
      identity.settings.allowBackToChat ? 1 : 0,
      identity.settings.transcriptEmail ? 1 : 0,
      identity.settings.leaveGraceSeconds,
      identity.settings.replyEmailDelaySeconds,
      status,
      agent?.id ?? null,
      agent?.name ?? null,
      status === "active" ? 1 : 0,
    );
    this.cachedRow = undefined;
  }

  save(next: RoomState): void {
    const changed = outcomeKey(this.state()) !== outcomeKey(next);
    this.update(
      `UPDATE conversation SET status = ?, agent_id = ?, agent_name = ?, accepted = ?, queue_position = ?, ended_by = ?,
         ended_at = ?, feedback = ?, read_visitor = ?, read_agent = ?, transcript_requests = ?, visitor_left_at = ?, emailed_seq = ?,
         state_version = state_version + ? WHERE id = 1 RETURNING *`,
      next.status,
      next.agent?.id ?? null,
      next.agent?.name ?? null,
      next.accepted ? 1 : 0,
      next.queuePosition,
      next.endedBy,
      next.endedAt,
      next.feedback === null ? null : JSON.stringify(next.feedback),
      next.read.visitor,
      next.read.agent,
      next.transcriptRequests,
      next.visitorLeftAt,
      next.emailedSeq,
      changed ? 1 : 0,
    );
  }

  private update(query: string, ...bindings: SqlStorageValue[]): void {
    const row = this.sql.exec<ConversationRow>(query, ...bindings).toArray()[0];
    if (row) this.remember(row);
  }

  /** The outcome D1 has not confirmed yet, with the version to confirm; null when D1 is up to date. */
  unsyncedOutcome(): { version: number; outcome: ConversationOutcome } | null {
    const r = this.row();
    if (!r || r.synced_state_version >= r.state_version) return null;
    return { version: r.state_version, outcome: this.state() };
  }

  markOutcomeSynced(version: number): void {
    this.update("UPDATE conversation SET synced_state_version = MAX(synced_state_version, ?) WHERE id = 1 RETURNING *", version);
  }

  syncedSeq(): number {
    return this.row()?.synced_seq ?? 0;
  }

  markSynced(seq: number): void {
    this.update("UPDATE conversation SET synced_seq = MAX(synced_seq, ?) WHERE id = 1 RETURNING *", seq);
  }

  lastSeq(): number {
    this.cachedLastSeq ??= this.sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM messages").one().s;
    return this.cachedLastSeq;
  }

  /** How many agent messages come after `seq`: what the customer has still to see (notes are not theirs to see). */
  agentMessagesAfter(seq: number): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE seq > ? AND author_type = 'agent' AND visibility = 'public'", seq)
      .one().n;
  }

  /** The newest message that a person wrote to the other side (system lines and notes aside), if anyone has. */
  lastPersonMessage(): { author: "visitor" | "agent"; createdAt: number } | null {
    const row = this.sql
      .exec<{ t: "visitor" | "agent"; at: number }>(
        "SELECT author_type AS t, created_at AS at FROM messages WHERE author_type != 'system' AND visibility = 'public' ORDER BY seq DESC LIMIT 1",
      )
      .toArray()[0];
    return row ? { author: row.t, createdAt: row.at } : null;
  }

  /**
   * How many system lines of one kind the conversation has (reopens, ends): a range over the
   * clientId index, since system clientIds are `system:<kind>:<seq>`.
   */
  countSystem(kind: string): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE client_id > ? AND client_id < ?", `system:${kind}:`, `system:${kind};`)
      .one().n;
  }

  /** Files on the conversation's messages so far, and their bytes together. */
  attachmentTotals(): { count: number; bytes: number } {
    return this.sql
      .exec<{ count: number; bytes: number }>(
        "SELECT COUNT(*) AS count, COALESCE(SUM(json_extract(attachment, '$.size')), 0) AS bytes FROM messages WHERE attachment IS NOT NULL",
      )
      .one();
  }

  findByClientId(clientId: string): Message | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE client_id = ?", clientId).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** Appends the message with the next seq; null, writing nothing, when its clientId is already taken. */
  append(input: Omit<Message, "seq" | "createdAt">): Message | null {
    const message: Message = { ...input, seq: this.lastSeq() + 1, createdAt: Date.now() };
    const inserted = this.sql
      .exec(
        `INSERT INTO messages (${MESSAGE_COLUMNS}, ${NOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (client_id) DO NOTHING RETURNING seq`,
        ...messageValues(message),
        ...noteValues(message),
      )
      .toArray();
    if (inserted.length === 0) return null;
    this.cachedLastSeq = message.seq;
    return message;
  }

  /**
   * Messages after `since`, in order. For the customer (`notes` false) private notes are left out
   * in the query itself, so a page is full and `since` = its last seq never stalls on notes.
   */
  messagesAfter(since: number, limit: number, notes = true): Message[] {
    const query = notes
      ? "SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?"
      : "SELECT * FROM messages WHERE seq > ? AND visibility = 'public' ORDER BY seq LIMIT ?";
    return this.sql.exec<MessageRow>(query, since, limit).toArray().map(toMessage);
  }

  messagesUpTo(seq: number): Message[] {
    return this.sql.exec<MessageRow>("SELECT * FROM messages WHERE seq <= ? ORDER BY seq", seq).toArray().map(toMessage);
  }
}
