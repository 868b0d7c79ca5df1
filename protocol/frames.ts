import { z } from "zod";

/**
 * The WebSocket protocol between clients (widget, console, load tools) and a ConversationRoom.
 * docs/protocol.md describes it for integrators; this module is the single definition.
 */

import { MAX_MESSAGE_LENGTH } from "./limits";

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

export const messageSchema = z.object({
  seq: z.number().int().positive(),
  clientId: z.string(),
  author: z.object({ type: authorType, id: z.string().nullable(), name: z.string() }),
  body: z.string(),
  createdAt: z.number().int(),
});

export const conversationStatus = z.enum(["open", "ended"]);

// Client → room
export const sendFrame = z.object({ type: z.literal("send"), clientId, body: messageBody });
export const resumeFrame = z.object({ type: z.literal("resume"), since: z.number().int().min(0) });
export const pingFrame = z.object({ type: z.literal("ping") });
export const clientFrame = z.discriminatedUnion("type", [sendFrame, resumeFrame, pingFrame]);

// Room → client
export const readyFrame = z.object({
  type: z.literal("ready"),
  conversationId: z.string(),
  lastSeq: z.number().int().min(0),
  status: conversationStatus,
  /** Who this socket speaks as: the author of the messages it sends. */
  author: messageSchema.shape.author,
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
export const errorCode = z.enum([
  "bad_frame",
  "frame_too_large",
  "conversation_ended",
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
  errorFrame,
  pongFrame,
]);

export type Message = z.infer<typeof messageSchema>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
export type ErrorCode = z.infer<typeof errorCode>;
export type ConversationStatus = z.infer<typeof conversationStatus>;
