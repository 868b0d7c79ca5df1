import { z } from "zod";
import { MAX_COMMENT_LENGTH, MAX_MESSAGE_LENGTH } from "./limits";

/**
 * The WebSocket protocol between clients (widget, console, load tools) and a ConversationRoom.
 * docs/protocol.md describes it for integrators; this module is the single definition.
 */

export const clientId = z
  .string()
  .min(8, "clientId must be 8 to 64 characters")
  .max(64, "clientId must be 8 to 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "clientId may hold only letters, digits, _ and -");

export const messageBody = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `a message is at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((s) => s.trim().length > 0, "a message cannot be empty");

export const authorType = z.enum(["visitor", "agent", "system"]);
export const author = z.object({ type: authorType, id: z.string().nullable(), name: z.string() });

/** A file on a message; the bytes live in R2 and are fetched from `url` with the socket's credentials. */
export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  url: z.string(),
});

export const messageSchema = z.object({
  seq: z.number().int().positive(),
  clientId: z.string(),
  author,
  body: z.string(),
  createdAt: z.number().int(),
  attachment: attachmentSchema.optional(),
});

/**
 * queued: waiting in the channel's queue for an agent; active: an agent accepted it (or an agent
 * started it); ended: closed by the visitor, the agent, or idleness.
 */
export const conversationStatus = z.enum(["queued", "active", "ended"]);
export const endReason = z.enum(["visitor", "agent", "idle"]);

export const feedbackSchema = z.object({
  satisfied: z.boolean().nullable(),
  rating: z.number().int().min(1, "rating is 1 to 5 stars").max(5, "rating is 1 to 5 stars").nullable(),
  comment: z.string().max(MAX_COMMENT_LENGTH, `a comment is at most ${MAX_COMMENT_LENGTH} characters`).default(""),
});

/** Who reads what: each side's highest seq read, which drives the ✓ / ✓✓ ticks. */
export const readState = z.object({ visitor: z.number().int().min(0), agent: z.number().int().min(0) });

// Client → room
export const sendFrame = z.object({ type: z.literal("send"), clientId, body: messageBody });
export const resumeFrame = z.object({ type: z.literal("resume"), since: z.number().int().min(0) });
export const pingFrame = z.object({ type: z.literal("ping") });
export const typingClientFrame = z.object({ type: z.literal("typing"), active: z.boolean() });
export const readClientFrame = z.object({ type: z.literal("read"), seq: z.number().int().min(0) });
/** Either side ends the conversation. */
export const endFrame = z.object({ type: z.literal("end") });
/** The visitor's "Back to chat" from the end form, when the channel allows it. */
export const reopenFrame = z.object({ type: z.literal("reopen") });
/** The visitor's end form. Allowed once the conversation has ended. */
export const feedbackClientFrame = z.object({ type: z.literal("feedback"), feedback: feedbackSchema });
/** "Email me the transcript": to the conversation's contact email. */
export const transcriptFrame = z.object({ type: z.literal("transcript") });
export const clientFrame = z.discriminatedUnion("type", [
  sendFrame,
  resumeFrame,
  pingFrame,
  typingClientFrame,
  readClientFrame,
  endFrame,
  reopenFrame,
  feedbackClientFrame,
  transcriptFrame,
]);

// Room → client
export const readyFrame = z.object({
  type: z.literal("ready"),
  conversationId: z.string(),
  lastSeq: z.number().int().min(0),
  status: conversationStatus,
  /** Who this socket speaks as: the author of the messages it sends. */
  author,
  read: readState,
  /** The agent who accepted the conversation, once one has. */
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** 1-based place in the channel's queue while queued, else null. */
  queuePosition: z.number().int().positive().nullable(),
  endedBy: endReason.nullable(),
  feedback: feedbackSchema.nullable(),
});
export const ackFrame = z.object({
  type: z.literal("ack"),
  clientId: z.string(),
  seq: z.number().int().positive(),
  createdAt: z.number().int(),
});
export const messageFrame = z.object({ type: z.literal("message"), message: messageSchema });
export const historyFrame = z.object({
  type: z.literal("history"),
  messages: z.array(messageSchema),
  /** True when more messages follow: ask again with `since` = the last seq received. */
  more: z.boolean(),
});
export const typingFrame = z.object({ type: z.literal("typing"), author, active: z.boolean() });
export const readFrame = z.object({ type: z.literal("read"), read: readState });
/** Sent to every socket when the status, the accepting agent or the queue position changes. */
export const statusFrame = z.object({
  type: z.literal("status"),
  status: conversationStatus,
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  queuePosition: z.number().int().positive().nullable(),
  endedBy: endReason.nullable(),
});
/** The visitor has been idle; the conversation closes at `closesAt` unless they write. */
export const idleWarningFrame = z.object({ type: z.literal("idle_warning"), closesAt: z.number().int() });
export const feedbackFrame = z.object({ type: z.literal("feedback"), feedback: feedbackSchema });
/** Confirms a request that has no message of its own (transcript sent, feedback saved). */
export const doneFrame = z.object({ type: z.literal("done"), request: z.enum(["transcript", "feedback"]) });
export const errorCode = z.enum([
  "bad_frame",
  "frame_too_large",
  "conversation_ended",
  "not_allowed",
  "rate_limited",
  "internal",
]);
export const errorFrame = z.object({
  type: z.literal("error"),
  code: errorCode,
  message: z.string(),
  clientId: z.string().optional(),
});
export const pongFrame = z.object({ type: z.literal("pong") });
export const serverFrame = z.discriminatedUnion("type", [
  readyFrame,
  ackFrame,
  messageFrame,
  historyFrame,
  typingFrame,
  readFrame,
  statusFrame,
  idleWarningFrame,
  feedbackFrame,
  doneFrame,
  errorFrame,
  pongFrame,
]);

export type Message = z.infer<typeof messageSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type Author = z.infer<typeof author>;
export type Feedback = z.infer<typeof feedbackSchema>;
export type ReadState = z.infer<typeof readState>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
export type ErrorCode = z.infer<typeof errorCode>;
export type ConversationStatus = z.infer<typeof conversationStatus>;
export type EndReason = z.infer<typeof endReason>;
