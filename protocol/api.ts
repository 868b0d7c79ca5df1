import { z } from "zod";
import { locale } from "./channel";
import { clientId, messageBody, messageSchema, conversationStatus } from "./frames";
import { attributeMap } from "./custom-attributes";
import { LIMITS, MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH, MAX_SUBJECT_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";

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

/**
 * A signed-in customer of the host page: `userHash` is the hex HMAC-SHA256 of `userId` with the
 * channel's identity secret. Without a valid hash the identity is ignored, never trusted.
 */
export const visitorIdentity = z.object({
  userId: z.string().min(1).max(200),
  userHash: z.string().regex(/^[0-9a-fA-F]{64}$/, "userHash is 64 hex characters"),
  userEmail: z.string().max(254).optional(),
  userName: z.string().max(MAX_NAME_LENGTH).optional(),
});

/**
 * `user-token`: a JWT (HS256, the channel's identity secret) with the customer's identity, expiry
 * and attributes (README, "Signed context"); checked by worker/auth/user-token.ts.
 */
export const userToken = z.string().min(1).max(LIMITS.userToken.maxBytes, `userToken is at most ${LIMITS.userToken.maxBytes} characters`);

/** Answers to the channel's extra pre-chat fields, by field key. */
export const fieldAnswers = z.record(z.string().max(32), z.string().max(500)).default({});

export const startConversationRequest = z.object({
  name: personName,
  email,
  topic: z.string().max(80).optional(),
  fields: fieldAnswers,
  locale: locale.optional(),
  identity: visitorIdentity.optional(),
  userToken: userToken.optional(),
  /** The host page's own facts, unsigned: agents see them marked unverified. */
  attributes: attributeMap.optional(),
  message: z.object({ clientId, body: messageBody }),
});

export const ticketRequest = z.object({
  name: personName,
  email,
  topic: z.string().max(80).optional(),
  fields: fieldAnswers,
  locale: locale.optional(),
  question: z
    .string()
    .max(MAX_MESSAGE_LENGTH, `a question is at most ${MAX_MESSAGE_LENGTH} characters`)
    .refine((s) => s.trim().length > 0, "question is required"),
});
export const ticketSchema = z.object({
  id: z.string(),
  /** What the visitor is shown and quotes later, e.g. "T-1042". */
  reference: z.string(),
  status: z.enum(["open", "closed"]),
  createdAt: z.number().int(),
});

export const faqSchema = z.object({ id: z.string(), question: z.string(), answer: z.string() });
export const faqSearchQuery = z.object({ q: z.string().trim().min(1, "q is required").max(500) });
export const faqSearchResponse = z.object({ faqs: z.array(faqSchema) });

/** The signed-in customer's threads on this channel, each with a token to open it. */
export const threadsRequest = z
  .object({ identity: visitorIdentity.optional(), userToken: userToken.optional() })
  .refine((r) => r.identity || r.userToken, "send identity (user-hash) or userToken");

export const conversationSummary = z.object({
  id: z.string(),
  subject: z.string(),
  status: conversationStatus,
  topic: z.string().nullable(),
  createdAt: z.number().int(),
  lastMessageAt: z.number().int().nullable(),
  lastAuthorName: z.string().nullable(),
  contact: z.object({ name: z.string(), email: z.string() }),
});

export const startConversationResponse = z.object({
  conversation: conversationSummary,
  token: z.string(),
});
export const threadsResponse = z.object({
  threads: z.array(z.object({ conversation: conversationSummary, token: z.string() })),
});

/** A password as typed at sign-in: any length was once allowed, so none is demanded here. */
const enteredPassword = z.string().min(1, "password is required").max(1024, "password is at most 1024 characters");

export const signInRequest = z.object({ email, password: enteredPassword });

/** Every password an agent gets: create-workspace, an admin creating or resetting one, their own change. */
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password is at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "password is at most 1024 characters");

/** An agent changing their own password proves they know the current one. */
export const changePasswordRequest = z.object({ currentPassword: enteredPassword, newPassword });

export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["admin", "agent"]),
  workspaceId: z.string(),
});

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const subject = z.string().trim().min(1).max(MAX_SUBJECT_LENGTH);

export type StartConversationRequest = z.infer<typeof startConversationRequest>;
export type VisitorIdentity = z.infer<typeof visitorIdentity>;
export type TicketRequest = z.infer<typeof ticketRequest>;
export type Ticket = z.infer<typeof ticketSchema>;
export type Faq = z.infer<typeof faqSchema>;
export type ThreadsResponse = z.infer<typeof threadsResponse>;
export type StartConversationResponse = z.infer<typeof startConversationResponse>;
export type ConversationSummary = z.infer<typeof conversationSummary>;
export type SignInRequest = z.infer<typeof signInRequest>;
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;
export type Agent = z.infer<typeof agentSchema>;
export type ApiError = z.infer<typeof apiErrorSchema>;
