import { z } from "zod";
import { conversationSummary, ticketSchema } from "./api";
import { feedbackSchema, messageSchema, endReason } from "./frames";
import { label } from "./labels";

export const webhookEventType = z.enum([
  "conversation.created",
  "conversation.queued",
  "conversation.accepted",
  "message.created",
  "note.created",
  "conversation.ended",
  "conversation.rated",
  "ticket.created",
  "conversation.archived",
  "conversation.deleted",
  "conversation.labeled",
  "conversation.unlabeled",
  "conversation.assigned",
  "conversation.reopened",
  "contact.created",
  "contact.updated",
  "agent.availability_changed",
]);

/** Sent only by `POST /webhooks/{id}/test`, to that endpoint, whatever it subscribes to. */
export const webhookTestEventType = z.literal("webhook.test");

const conversationRef = z.object({ id: z.string() });
const agentRef = z.object({ id: z.string(), name: z.string() });
/** A contact as `GET /api/v1/contacts/{externalId}` shows it. */
const contactPayload = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  accountId: z.string().nullable(),
  createdAt: z.number().int(),
});

/** The `data` of each event; what a receiver can rely on. */
export const webhookEventData = {
  "conversation.created": z.object({ conversation: conversationSummary }),
  "conversation.queued": z.object({ conversation: conversationRef, position: z.number().int().positive() }),
  "conversation.accepted": z.object({ conversation: conversationRef, agent: z.object({ id: z.string(), name: z.string() }) }),
  "message.created": z.object({ conversation: conversationRef, message: messageSchema }),
  /** A private note by an agent: never a `message.created`, since the customer never sees it. */
  "note.created": z.object({ conversation: conversationRef, note: messageSchema }),
  "conversation.ended": z.object({
    conversation: conversationRef,
    endedBy: endReason,
    /**
     * The conversation's messages in order: all of them, or when `transcriptTruncated` only the
     * newest (at most 200 messages and 256 KB, LIMITS.transcriptPayload).
     */
    transcript: z.array(messageSchema),
    /** Earlier messages were left out: read the whole conversation from `transcriptUrl`. */
    transcriptTruncated: z.boolean(),
    /** The transcript endpoint, relative to the API's origin: paged with `since`, or as text at `….txt`. */
    transcriptUrl: z.string(),
  }),
  "conversation.rated": z.object({ conversation: conversationRef, feedback: feedbackSchema }),
  "ticket.created": z.object({
    ticket: ticketSchema,
    contact: z.object({ name: z.string(), email: z.string() }),
    question: z.string(),
  }),
  "conversation.archived": z.object({ conversation: conversationRef }),
  "conversation.deleted": z.object({ conversation: conversationRef }),
  "conversation.labeled": z.object({ conversation: conversationRef, label }),
  "conversation.unlabeled": z.object({ conversation: conversationRef, label }),
  /** Someone else is responsible now: an agent accepted it (from the queue or a routed offer), or it was assigned. */
  "conversation.assigned": z.object({
    conversation: conversationRef,
    agent: agentRef,
    /** Who had it before; null when nobody did. */
    previousAgent: agentRef.nullable(),
    via: z.enum(["accepted", "assigned"]),
  }),
  /** An ended conversation goes on: back to its agent (`active`) or, if nobody had accepted it, to the queue. */
  "conversation.reopened": z.object({ conversation: conversationRef, status: z.enum(["active", "queued"]) }),
  "contact.created": z.object({ contact: contactPayload }),
  /** The contact as it is after the change. */
  "contact.updated": z.object({ contact: contactPayload }),
  /** An agent switched "Available for chat" on or off in a channel's console. */
  "agent.availability_changed": z.object({ agent: agentRef, channel: z.object({ id: z.string() }), available: z.boolean() }),
} satisfies Record<z.infer<typeof webhookEventType>, z.ZodType>;

export const webhookTestEventData = z.object({
  webhook: z.object({ id: z.string() }),
  /** Says what this is, for a person reading the receiver's log. */
  message: z.string(),
});

/** The JSON body of every delivery. Its `id` names the event; the delivery id is the Parley-Delivery and webhook-id headers. */
export const webhookEnvelope = z.object({
  id: z.string(),
  type: z.union([webhookEventType, webhookTestEventType]),
  createdAt: z.number().int(),
  workspaceId: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export type WebhookEventType = z.infer<typeof webhookEventType>;
export type WebhookEventData<T extends WebhookEventType> = z.infer<(typeof webhookEventData)[T]>;
export type WebhookEnvelope = z.infer<typeof webhookEnvelope>;

// Inbound: a platform that can only send webhooks drives Parley with the same signed envelope.
export const inboundEnvelope = z.discriminatedUnion("type", [
  z.object({
    id: z.string().min(8).max(128),
    type: z.literal("message.create"),
    data: z.object({
      conversationId: z.string(),
      author: z.enum(["agent", "customer"]),
      body: z.string().min(1).max(4000),
      authorName: z.string().max(120).optional(),
    }),
  }),
  z.object({
    id: z.string().min(8).max(128),
    type: z.literal("conversation.update"),
    data: z.object({
      conversationId: z.string(),
      status: z.enum(["active", "ended"]).optional(),
      archived: z.boolean().optional(),
    }),
  }),
  z.object({
    id: z.string().min(8).max(128),
    type: z.literal("contact.upsert"),
    data: z.object({
      externalId: z.string().min(1).max(200),
      name: z.string().min(1).max(120),
      email: z.email(),
      accountExternalId: z.string().max(200).optional(),
    }),
  }),
]);
export type InboundEnvelope = z.infer<typeof inboundEnvelope>;
