import { z } from "zod";
import { clientId, messageBody, messageSchema, conversationStatus } from "./frames";
import { MAX_NAME_LENGTH, MAX_SUBJECT_LENGTH } from "./limits";

/** HTTP bodies shared by the Worker (which parses them) and the front ends (which send them). */

export const email = z
  .string()
  .trim()
  .max(254, "email is at most 254 characters")
  .pipe(z.email("email is not a valid address"));

export const personName = z
  .string()
  .trim()
  .min(1, "name is required")
  .max(MAX_NAME_LENGTH, `name is at most ${MAX_NAME_LENGTH} characters`);

export const channelKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, "channel key may hold only a-z, 0-9 and -");

export const startConversationRequest = z.object({
  name: personName,
  email,
  message: z.object({ clientId, body: messageBody }),
});

export const conversationSummary = z.object({
  id: z.string(),
  subject: z.string(),
  status: conversationStatus,
  createdAt: z.number().int(),
  lastMessageAt: z.number().int().nullable(),
  lastAuthorName: z.string().nullable(),
  contact: z.object({ name: z.string(), email: z.string() }),
});

export const startConversationResponse = z.object({
  conversation: conversationSummary,
  token: z.string(),
});

export const signInRequest = z.object({
  email,
  password: z.string().min(1, "password is required").max(1024),
});

export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["admin", "agent"]),
  workspaceId: z.string(),
});

export const inboxQuery = z.object({
  filter: z.enum(["all", "active", "archived"]).default("all"),
  limit: z.coerce.number().int().refine((n) => [25, 50, 100, 250].includes(n), {
    message: "limit must be 25, 50, 100 or 250",
  }).default(25),
  before: z.coerce.number().int().positive().optional(),
});

export const inboxResponse = z.object({ conversations: z.array(conversationSummary) });

export const messageList = z.object({ messages: z.array(messageSchema) });

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const subject = z.string().trim().min(1).max(MAX_SUBJECT_LENGTH);

export type StartConversationRequest = z.infer<typeof startConversationRequest>;
export type StartConversationResponse = z.infer<typeof startConversationResponse>;
export type ConversationSummary = z.infer<typeof conversationSummary>;
export type SignInRequest = z.infer<typeof signInRequest>;
export type Agent = z.infer<typeof agentSchema>;
export type InboxQuery = z.infer<typeof inboxQuery>;
export type InboxResponse = z.infer<typeof inboxResponse>;
export type ApiError = z.infer<typeof apiErrorSchema>;
