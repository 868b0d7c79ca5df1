import { attachmentSchema, mentions, systemEvent, visibility, type Message } from "../../protocol/frames";

/**
 * A message as a row: the room's SQLite (the record) and D1's `messages` table (its copy) keep the
 * same columns, so both write them from here and the room reads them back here.
 */
export const MESSAGE_COLUMNS = "seq, client_id, author_type, author_id, author_name, body, created_at, attachment, event";

/**
 * Who may see the message and whom a note mentions: columns added later (migration 0022), so rows
 * written without them read as public.
 */
export const NOTE_COLUMNS = "visibility, mentions";

export type MessageRow = {
  seq: number;
  client_id: string;
  author_type: Message["author"]["type"];
  author_id: string | null;
  author_name: string;
  body: string;
  created_at: number;
  attachment: string | null;
  event: string | null;
  visibility?: string | null;
  mentions?: string | null;
};

/** The values of MESSAGE_COLUMNS, in their order. */
export const messageValues = (m: Message): (string | number | null)[] => [
  m.seq,
  m.clientId,
  m.author.type,
  m.author.id,
  m.author.name,
  m.body,
  m.createdAt,
  m.attachment ? JSON.stringify(m.attachment) : null,
  m.event ? JSON.stringify(m.event) : null,
];

/** The values of NOTE_COLUMNS, in their order. */
export const noteValues = (m: Message): (string | null)[] => [
  m.visibility ?? "public",
  m.mentions?.length ? JSON.stringify(m.mentions) : null,
];

const noteOf = (r: MessageRow): Pick<Message, "visibility" | "mentions"> => {
  if (r.visibility !== "note") return {};
  const named = r.mentions ? mentions.safeParse(JSON.parse(r.mentions)) : null;
  return { visibility: visibility.parse(r.visibility), ...(named?.success && named.data.length > 0 ? { mentions: named.data } : {}) };
};

export const toMessage = (r: MessageRow): Message => ({
  seq: r.seq,
  clientId: r.client_id,
  author: { type: r.author_type, id: r.author_id, name: r.author_name },
  body: r.body,
  createdAt: r.created_at,
  ...(r.attachment ? { attachment: attachmentSchema.parse(JSON.parse(r.attachment)) } : {}),
  ...(r.event ? { event: systemEvent.parse(JSON.parse(r.event)) } : {}),
  ...noteOf(r),
});
