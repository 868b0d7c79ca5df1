import { attachmentSchema, systemEvent, type Message } from "../../protocol/frames";

/**
 * A message as a row: the room's SQLite (the record) and D1's `messages` table (its copy) keep the
 * same columns, so both write them from here and the room reads them back here.
 */
export const MESSAGE_COLUMNS = "seq, client_id, author_type, author_id, author_name, body, created_at, attachment, event";

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

export const toMessage = (r: MessageRow): Message => ({
  seq: r.seq,
  clientId: r.client_id,
  author: { type: r.author_type, id: r.author_id, name: r.author_name },
  body: r.body,
  createdAt: r.created_at,
  ...(r.attachment ? { attachment: attachmentSchema.parse(JSON.parse(r.attachment)) } : {}),
  ...(r.event ? { event: systemEvent.parse(JSON.parse(r.event)) } : {}),
});
