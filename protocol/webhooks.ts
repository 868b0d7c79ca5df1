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
]);

const conversationRef = z.object({ id: z.string() });

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
} satisfies Record<z.infer<typeof webhookEventType>, z.ZodType>;

/** The JSON body of every delivery. `id` is also the Parley-Delivery header, the same on every retry. */
export const webhookEnvelope = z.object({
  id: z.string(),
  type: webhookEventType,
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
