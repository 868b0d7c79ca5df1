import { z } from "zod";
import { conversationSummary, email, personName, subject, ticketSchema } from "./api";
import { conversationStatus, feedbackSchema, mentions, messageBody, messageSchema, visibility } from "./frames";
import { LIMITS } from "./limits";
import { webhookEventType } from "./webhooks";

/** Bodies and answers of the integrator's REST API (/api/v1); the OpenAPI document is built from these. */

export const externalId = z.string().trim().min(1).max(200);
const id = z.string().min(1).max(64);

export const contactInput = z.object({
  name: personName,
  email,
  externalId: externalId.optional(),
});

export const createConversationBody = z
  .object({
    /** The channel it belongs to, by key; the workspace's first channel when omitted. */
    channel: z.string().max(64).optional(),
    contact: contactInput,
    subject: subject.optional(),
    message: messageBody,
    /**
     * "customer" (default): the customer wrote in, and it waits in the queue like a widget chat.
     * "agent": a staff-initiated thread, active at once, the message written by `agentId`.
     */
    initiatedBy: z.enum(["customer", "agent"]).default("customer"),
    agentId: id.optional(),
    attention: z.enum(["attentive", "answered"]).optional(),
    /**
     * For a conversation linked to a request in your system: offer it only to the request's agent,
     * or to any member of its team (when the channel allows team routing).
     */
    assignedAgentId: id.optional(),
    assignedTeamId: id.optional(),
  })
  .refine((b) => b.initiatedBy !== "agent" || b.agentId, { message: "agentId is required when initiatedBy is agent", path: ["agentId"] });

export const conversationResource = conversationSummary.extend({
  contact: conversationSummary.shape.contact.extend({
    /** False when only an anonymous visitor's typing says the email is theirs (no verified identity). */
    emailVerified: z.boolean(),
  }),
  channelId: z.string(),
  archived: z.boolean(),
  agentId: z.string().nullable(),
  attention: z.enum(["attentive", "answered"]),
  feedback: feedbackSchema.nullable(),
});

export const updateConversationBody = z
  .object({
    status: z.literal("ended").optional(),
    archived: z.boolean().optional(),
    agentId: id.nullable().optional(),
    attention: z.enum(["attentive", "answered"]).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "send at least one of status, archived, agentId, attention");

export const listConversationsQuery = z.object({
  status: conversationStatus.optional(),
  archived: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  contactExternalId: externalId.optional(),
  limit: z.coerce.number().int().min(1).max(250).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const conversationPage = z.object({ conversations: z.array(conversationResource), nextCursor: z.string().nullable() });

export const postMessageBody = z
  .object({
    body: messageBody,
    author: z.enum(["agent", "customer"]),
    /** Which agent writes, for author "agent"; the conversation's responsible agent when omitted. */
    agentId: id.optional(),
    /** Your id for this message: retrying with the same one stores it once. */
    clientId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
    /** "note": a private note for agents only (author "agent"), sent as `note.created`, never to the customer. */
    visibility: visibility.default("public"),
    /** Agent ids a note @mentions: each gets a console notification, and an email when away. */
    mentions: mentions.optional(),
  })
  .refine((b) => b.visibility === "public" || b.author === "agent", { message: "visibility: only an agent writes a note", path: ["visibility"] })
  .refine((b) => !b.mentions?.length || b.visibility === "note", { message: "mentions: only a note mentions agents", path: ["mentions"] });

export const listMessagesQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(200),
});
/** The customer's transcript leaves the agents' private notes out unless `notes=true` asks for them. */
export const transcriptQuery = listMessagesQuery.extend({
  notes: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});
export const transcriptTextQuery = transcriptQuery.pick({ notes: true });
/** Every message with its `visibility`: "public" (the customer saw it) or "note" (agents only). */
export const messagePage = z.object({ messages: z.array(messageSchema.required({ visibility: true })), nextSince: z.number().int().nullable() });

export const contactResource = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  accountId: z.string().nullable(),
  createdAt: z.number().int(),
});
export const upsertContactBody = z.object({ name: personName, email, accountExternalId: externalId.optional() });

export const accountResource = z.object({ id: z.string(), externalId: z.string().nullable(), name: z.string(), createdAt: z.number().int() });
export const upsertAccountBody = z.object({ name: z.string().trim().min(1).max(200) });

export const ticketResource = ticketSchema.extend({
  question: z.string(),
  topic: z.string().nullable(),
  contact: z.object({ name: z.string(), email: z.string() }),
});
export const createTicketBody = z.object({ contact: contactInput, question: messageBody, channel: z.string().max(64).optional() });

/** A page of the transcript: every message when it is short, else follow `nextSince` (or read `….txt`). */
export const transcriptResource = z.object({
  conversationId: z.string(),
  subject: z.string(),
  messages: z.array(messageSchema),
  /** The same messages as plain text, one line per message. */
  text: z.string(),
  /** Pass as `since` for the next page; null on the last. */
  nextSince: z.number().int().nullable(),
});

/** Where webhooks may be sent: HTTPS anywhere public; plain HTTP only to this machine while developing. */
export const webhookUrl = z.url({ protocol: /^https?$/, error: "url must be an http(s) URL" }).max(2000);

export const createWebhookBody = z.object({
  url: webhookUrl,
  events: z.array(webhookEventType).min(1, "events: subscribe to at least one event"),
  description: z.string().max(200).default(""),
});
export const webhookResource = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventType),
  description: z.string(),
  enabled: z.boolean(),
  disabledAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  /** When the secret was last rotated; null if never. */
  secretRotatedAt: z.number().int().nullable(),
  /** Until when the secret a rotation replaced still signs beside the new one; null when only one signs. */
  previousSecretExpiresAt: z.number().int().nullable(),
});
/** The secret is shown once, when the endpoint is created (and when it is rotated). */
export const createdWebhook = webhookResource.extend({ secret: z.string() });
export const updateWebhookBody = z
  .object({
    url: webhookUrl,
    events: z.array(webhookEventType).min(1, "events: subscribe to at least one event"),
    description: z.string().max(200),
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "give at least one of url, events, description, enabled");
export const rotateWebhookSecretBody = z
  .object({
    /** How long the replaced secret keeps signing beside the new one; 0 retires it at once. */
    overlapSeconds: z.number().int().min(0).max(LIMITS.webhookSecrets.maxOverlapSeconds).default(LIMITS.webhookSecrets.defaultOverlapSeconds),
  })
  .strict();

export const deliveryResource = z.object({
  id: z.string(),
  eventType: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  deliveredAt: z.number().int().nullable(),
});

export const createInboundHookBody = z.object({ name: z.string().trim().min(1).max(100) });
export const inboundHookResource = z.object({ id: z.string(), name: z.string(), url: z.string(), createdAt: z.number().int() });
export const createdInboundHook = inboundHookResource.extend({ secret: z.string() });

export const errorResource = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type ConversationResource = z.infer<typeof conversationResource>;
export type CreateConversationBody = z.infer<typeof createConversationBody>;
