import { z } from "zod";
import { LIMITS, MAX_COMMENT_LENGTH, MAX_MENTIONS, MAX_MESSAGE_LENGTH } from "./limits";

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

/**
 * queued: waiting in the channel's queue for an agent; active: an agent accepted it (or an agent
 * started it); ended: closed by the visitor, the agent, idleness, or the visitor's leaving the page
 * (their last socket closed and did not come back within the channel's grace period).
 */
export const conversationStatus = z.enum(["queued", "active", "ended"]);
export const endReason = z.enum(["visitor", "agent", "idle", "visitor_left"]);

/** An agent as the visitor sees them: who accepted the chat, or who is responsible for it. */
export const agentRef = z.object({ id: z.string(), name: z.string() });

/**
 * What a system message records, so that each client can word it in its own language; the
 * message's `body` is the English wording, for clients (and transcripts) that do not.
 */
export const systemEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("joined"), agent: agentRef }),
  /** Another agent became responsible (a takeover or a reassignment). */
  z.object({ kind: z.literal("took_over"), agent: agentRef }),
  z.object({ kind: z.literal("ended"), reason: endReason }),
  z.object({ kind: z.literal("reopened") }),
]);

/**
 * public: everyone in the conversation sees it; note: a private note, for agents only. A note keeps
 * its place in the sequence, but the room never sends it to the visitor, to customer emails or
 * transcripts, or as `message.created` (it has its own `note.created` event).
 */
export const visibility = z.enum(["public", "note"]);
/** The agents a note @mentions, by id: each gets a console notification (and an email when away). */
export const mentions = z
  .array(z.string().min(1).max(64))
  .max(MAX_MENTIONS, `a note mentions at most ${MAX_MENTIONS} agents`);

export const messageSchema = z.object({
  seq: z.number().int().positive(),
  clientId: z.string(),
  author,
  /** Empty only for a message that carries an attachment. */
  body: z.string(),
  createdAt: z.number().int(),
  attachment: attachmentSchema.optional(),
  /** Set on system messages only. */
  event: systemEvent.optional(),
  /** Absent on a public message (what the visitor sees); "note" on a private note. */
  visibility: visibility.optional(),
  /** On a note that mentions agents. */
  mentions: mentions.optional(),
});

export const feedbackSchema = z.object({
  satisfied: z.boolean().nullable(),
  rating: z.number().int().min(1, "rating is 1 to 5 stars").max(5, "rating is 1 to 5 stars").nullable(),
  comment: z.string().max(MAX_COMMENT_LENGTH, `a comment is at most ${MAX_COMMENT_LENGTH} characters`).default(""),
});

/** Who reads what: each side's highest seq read, which drives the ✓ / ✓✓ ticks. */
export const readState = z.object({ visitor: z.number().int().min(0), agent: z.number().int().min(0) });

// Client → room
/** `visibility: "note"` (agents only) writes a private note, which may @mention agents. */
export const sendFrame = z
  .object({ type: z.literal("send"), clientId, body: messageBody, visibility: visibility.optional(), mentions: mentions.optional() })
  .refine((f) => !f.mentions?.length || f.visibility === "note", { message: "mentions: only a note mentions agents", path: ["mentions"] });
export const resumeFrame = z.object({ type: z.literal("resume"), since: z.number().int().min(0) });
export const pingFrame = z.object({ type: z.literal("ping") });
/** `note`: the agent is writing a note, which only other agents hear of. */
export const typingClientFrame = z.object({ type: z.literal("typing"), active: z.boolean(), note: z.boolean().optional() });
export const readClientFrame = z.object({ type: z.literal("read"), seq: z.number().int().min(0) });
/** Either side ends the conversation. */
export const endFrame = z.object({ type: z.literal("end") });
/** The visitor's "Back to chat" from the end form, when the channel allows it. */
export const reopenFrame = z.object({ type: z.literal("reopen") });
/** The visitor's end form. Allowed once the conversation has ended. */
export const feedbackClientFrame = z.object({ type: z.literal("feedback"), feedback: feedbackSchema });
/** "Email me the transcript": to the conversation's contact email. */
export const transcriptFrame = z.object({ type: z.literal("transcript") });

const ctx = LIMITS.visitorContext;
const pageUrl = z.url({ protocol: /^https?$/ }).max(ctx.urlLength, `a page URL is at most ${ctx.urlLength} characters`);
/** One page of the visitor's trail; `at` is when the room heard of it. */
export const visitorPage = z.object({
  url: pageUrl,
  title: z.string().max(ctx.titleLength, `a page title is at most ${ctx.titleLength} characters`),
  at: z.number().int(),
});
export const deviceClass = z.enum(["desktop", "tablet", "mobile"]);
/**
 * The widget's report of where the visitor is: the page now (a load, or a History API navigation)
 * and, with it, what the browser says of itself. Sent only while a conversation exists, and not at
 * all on a channel that opts out (see channelConfig.visitorContext).
 */
export const pageFrame = z.object({
  type: z.literal("page"),
  url: pageUrl,
  title: visitorPage.shape.title,
  referrer: pageUrl.or(z.literal("")).optional(),
  language: z.string().max(ctx.languageLength).optional(),
  timeZone: z.string().max(ctx.timeZoneLength).optional(),
  device: deviceClass.optional(),
});
export const clientFrame = z.discriminatedUnion("type", [
  pageFrame,
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
/** Where the conversation stands: sent in `ready`, and as a `status` frame whenever it changes. */
export const conversationProgress = z.object({
  status: conversationStatus,
  /** The responsible agent: who accepted the conversation, or who it was assigned to. */
  agent: agentRef.nullable(),
  /** 1-based place in the channel's queue while queued, else null. */
  queuePosition: z.number().int().positive().nullable(),
  /** Why it ended, while it is ended; null otherwise. */
  endedBy: endReason.nullable(),
});
/**
 * Whether the visitor has the page open: `online` while any of their sockets is, else `leftAt`,
 * when the last one closed (null if they never came, as in a thread an agent started).
 */
export const visitorPresence = z.object({ online: z.boolean(), leftAt: z.number().int().nullable() });

/** Everything a client needs to draw the conversation; also what the room's `snapshot()` RPC returns. */
export const roomSnapshot = conversationProgress.extend({
  visitor: visitorPresence,
  read: readState,
  /** The visitor's end form, once sent. */
  feedback: feedbackSchema.nullable(),
  /** The newest sequence number in the conversation. */
  lastSeq: z.number().int().min(0),
});
export const readyFrame = roomSnapshot.extend({
  type: z.literal("ready"),
  conversationId: z.string(),
  /** Who this socket speaks as: the author of the messages it sends. */
  author,
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
/** Someone else is typing; `note` (to agents only) when an agent writes a note rather than a reply. */
export const typingFrame = z.object({ type: z.literal("typing"), author, active: z.boolean(), note: z.boolean().optional() });
/**
 * To agents only, on connect and whenever it changes: the agents who have the thread open now,
 * each once however many tabs they have, so that two agents know they are both on it.
 */
export const viewersFrame = z.object({ type: z.literal("viewers"), agents: z.array(agentRef) });
export const readFrame = z.object({ type: z.literal("read"), read: readState });
/** Sent to every socket when the status, the responsible agent or the queue position changes. */
export const statusFrame = conversationProgress.extend({ type: z.literal("status") });
/** The visitor has been idle; the conversation closes at `closesAt` unless they write. */
export const idleWarningFrame = z.object({ type: z.literal("idle_warning"), closesAt: z.number().int() });
export const feedbackFrame = z.object({ type: z.literal("feedback"), feedback: feedbackSchema });
/** To agents, at once, when the visitor opens the page or the last of their sockets closes. */
export const presenceFrame = visitorPresence.extend({ type: z.literal("presence") });
/** What the agent's context panel shows of the visitor's browsing: the page now and the trail, oldest first. */
export const visitorContext = z.object({
  page: visitorPage.nullable(),
  trail: z.array(visitorPage).max(ctx.trailPages),
  referrer: z.string().nullable(),
  language: z.string().nullable(),
  timeZone: z.string().nullable(),
  device: deviceClass.nullable(),
});
/** To agents: on connect, and whenever the visitor's page changes. */
export const contextFrame = z.object({ type: z.literal("context"), context: visitorContext });
/** Confirms a request that has no message of its own (transcript sent, feedback saved). */
export const doneFrame = z.object({ type: z.literal("done"), request: z.enum(["transcript", "feedback"]) });
export const errorCode = z.enum([
  "bad_frame",
  "frame_too_large",
  "conversation_ended",
  "not_allowed",
  "rate_limited",
  /** A total the conversation may not pass (messages, reopens, files): waiting does not help. */
  "limit_reached",
  "internal",
]);
export const errorFrame = z.object({
  type: z.literal("error"),
  code: errorCode,
  message: z.string(),
  clientId: z.string().optional(),
  /** With `rate_limited`: when the same frame will be taken again. Nothing changed meanwhile. */
  retry_after_ms: z.number().int().positive().optional(),
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
  presenceFrame,
  contextFrame,
  viewersFrame,
  doneFrame,
  errorFrame,
  pongFrame,
]);

export type Message = z.infer<typeof messageSchema>;
export type Visibility = z.infer<typeof visibility>;
export type SystemEvent = z.infer<typeof systemEvent>;
export type AgentRef = z.infer<typeof agentRef>;
export type ConversationProgress = z.infer<typeof conversationProgress>;
export type RoomSnapshot = z.infer<typeof roomSnapshot>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type Author = z.infer<typeof author>;
export type Feedback = z.infer<typeof feedbackSchema>;
export type ReadState = z.infer<typeof readState>;
export type VisitorPresence = z.infer<typeof visitorPresence>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type VisitorContext = z.infer<typeof visitorContext>;
export type VisitorPage = z.infer<typeof visitorPage>;
export type PageFrame = z.infer<typeof pageFrame>;
export type DeviceClass = z.infer<typeof deviceClass>;
export type ServerFrame = z.infer<typeof serverFrame>;
export type ErrorCode = z.infer<typeof errorCode>;
export type ConversationStatus = z.infer<typeof conversationStatus>;
export type EndReason = z.infer<typeof endReason>;
