import { z } from "zod";
import { agentSchema, channelKey, email, newPassword, personName } from "./api";
import { channelConfig } from "./channel";
import { LIMITS } from "./limits";

/** Bodies of the console's Administration API (`/api/console/admin`), for admins only. */

/** Where a widget may be embedded: an exact origin such as https://portal.example.com, or "*" for any. */
export const allowedOrigin = z
  .string()
  .trim()
  .refine((value) => {
    if (value === "*") return true;
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "an allowed origin is scheme://host[:port] with no path, such as https://portal.example.com, or *");

export const channelName = z.string().trim().min(1, "name is required").max(80, "name is at most 80 characters");

export const createChannelRequest = z.object({
  key: channelKey,
  name: channelName,
  allowedOrigins: z.array(allowedOrigin).max(50).default([]),
  // prefault, not default: an absent config is parsed, so every field gets its own default.
  config: channelConfig.prefault({}),
});

/** Replaces the channel's key, name, allowed origins and whole config. */
export const updateChannelRequest = z.object({
  key: channelKey,
  name: channelName,
  allowedOrigins: z.array(allowedOrigin).max(50),
  config: channelConfig,
});

export const adminChannel = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  config: channelConfig,
  /** Signs host pages' customer identities; null turns identity verification off. */
  identitySecret: z.string().nullable(),
});
export const adminChannelList = z.object({ channels: z.array(adminChannel) });
export const adminChannelResponse = z.object({ channel: adminChannel });

const question = z.string().trim().min(1, "question is required").max(500, "question is at most 500 characters");
const answer = z.string().trim().min(1, "answer is required").max(5000, "answer is at most 5000 characters");

export const faqInput = z.object({
  question,
  answer,
  /** null: the FAQ is suggested on every channel of the workspace. */
  channelId: z.string().min(1).max(64).nullable().default(null),
});
export const adminFaq = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  channelId: z.string().nullable(),
  createdAt: z.number().int(),
});
export const adminFaqList = z.object({ faqs: z.array(adminFaq) });
export const adminFaqResponse = z.object({ faq: adminFaq });

export const agentRole = agentSchema.shape.role;

export const createAgentRequest = z.object({ name: personName, email, role: agentRole, password: newPassword });
export const updateAgentRequest = z.object({ name: personName, role: agentRole });
export const setPasswordRequest = z.object({ password: newPassword });

export const adminAgent = agentSchema.omit({ workspaceId: true }).extend({ createdAt: z.number().int() });
export const adminAgentList = z.object({ agents: z.array(adminAgent) });
export const adminAgentResponse = z.object({ agent: adminAgent });

/** Routing of one agent (docs/lobby-protocol.md, "Routing"): live chats at once, and a pause that offers them nothing. */
export const agentRoutingRequest = z.object({
  capacity: z.number().int().min(1).max(LIMITS.routing.maxCapacity),
  paused: z.boolean(),
});
/** An agent as the admins' routing view shows them: their settings, and their state summed over the channels. */
export const agentRoutingStatus = agentRoutingRequest.extend({
  agentId: z.string(),
  name: z.string(),
  /** A console open in some channel. */
  online: z.boolean(),
  /** "Available for chat" with a console open in some channel. */
  available: z.boolean(),
  /** Live chats (accepted, not ended) and open offers, over all channels. */
  live: z.number().int().min(0),
  offered: z.number().int().min(0),
});
export const agentRoutingList = z.object({ agents: z.array(agentRoutingStatus) });

export const teamInput = z.object({
  name: z.string().trim().min(1, "name is required").max(80, "name is at most 80 characters"),
  memberIds: z
    .array(z.string().min(1).max(64))
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, "memberIds lists an agent twice"),
});
export const team = z.object({
  id: z.string(),
  name: z.string(),
  memberIds: z.array(z.string()),
  createdAt: z.number().int(),
});
export const teamList = z.object({ teams: z.array(team) });
export const teamResponse = z.object({ team });

export const createApiKeyRequest = z.object({
  name: z.string().trim().min(1, "name is required").max(80, "name is at most 80 characters"),
});
export const apiKeySummary = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
});
export const apiKeyList = z.object({ apiKeys: z.array(apiKeySummary) });
/** The only answer that ever holds the key itself: it is stored hashed and cannot be shown again. */
export const createApiKeyResponse = z.object({ apiKey: apiKeySummary, key: z.string() });
export const apiKeyResponse = z.object({ apiKey: apiKeySummary });

export const identitySecretResponse = z.object({ identitySecret: z.string().nullable() });

export const outboxQuery = z.object({
  limit: z.coerce.number().int().min(1, "limit is 1 to 100").max(100, "limit is 1 to 100").default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_]+$/, "cursor must be the nextCursor of a previous page")
    .optional(),
});
export const outboxEmail = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  template: z.string(),
  locale: z.string(),
  /** `suppressed`: over a daily email cap (LIMITS.email), never sent; `lastError` says which. */
  status: z.enum(["local", "queued", "sent", "failed", "suppressed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.number().int(),
});
export const outboxEmailDetail = outboxEmail.extend({
  textBody: z.string(),
  htmlBody: z.string(),
  /** The signed address a reply goes to, for emails about a conversation. */
  replyTo: z.string().nullable(),
  /** Local development only: the console can deliver a reply to it as the recipient would. */
  canSimulateReply: z.boolean(),
});
/** "Simulate reply" in the local outbox: the words the recipient answers with. */
export const simulateReplyRequest = z.object({ text: z.string().trim().min(1, "write the reply").max(4000) });
export const inboundEmail = z.object({
  receivedAt: z.number().int(),
  fromAddress: z.string(),
  toAddress: z.string(),
  conversationId: z.string().nullable(),
  outcome: z.enum(["accepted", "refused", "dropped"]),
  reason: z.string(),
});
export const inboundEmailList = z.object({ emails: z.array(inboundEmail) });
export const simulateReplyResponse = inboundEmail.pick({ outcome: true, reason: true, conversationId: true });
export const outboxList = z.object({ emails: z.array(outboxEmail), nextCursor: z.string().nullable() });
export const outboxEmailResponse = z.object({ email: outboxEmailDetail });

export type CreateChannelRequest = z.input<typeof createChannelRequest>;
export type UpdateChannelRequest = z.input<typeof updateChannelRequest>;
export type AdminChannel = z.infer<typeof adminChannel>;
export type FaqInput = z.input<typeof faqInput>;
export type AdminFaq = z.infer<typeof adminFaq>;
export type AgentRole = z.infer<typeof agentRole>;
export type CreateAgentRequest = z.infer<typeof createAgentRequest>;
export type UpdateAgentRequest = z.infer<typeof updateAgentRequest>;
export type AdminAgent = z.infer<typeof adminAgent>;
export type TeamInput = z.infer<typeof teamInput>;
export type Team = z.infer<typeof team>;
export type ApiKeySummary = z.infer<typeof apiKeySummary>;
export type CreateApiKeyResponse = z.infer<typeof createApiKeyResponse>;
export type OutboxEmail = z.infer<typeof outboxEmail>;
export type InboundEmailItem = z.infer<typeof inboundEmail>;
export type InboundEmailList = z.infer<typeof inboundEmailList>;
export type SimulateReplyResponse = z.infer<typeof simulateReplyResponse>;
export type OutboxEmailDetail = z.infer<typeof outboxEmailDetail>;
export type OutboxList = z.infer<typeof outboxList>;
export type OutboxQuery = z.infer<typeof outboxQuery>;
export type AdminChannelList = z.infer<typeof adminChannelList>;
export type AdminChannelResponse = z.infer<typeof adminChannelResponse>;
export type AdminFaqList = z.infer<typeof adminFaqList>;
export type AdminFaqResponse = z.infer<typeof adminFaqResponse>;
export type AdminAgentList = z.infer<typeof adminAgentList>;
export type AdminAgentResponse = z.infer<typeof adminAgentResponse>;
export type AgentRoutingRequest = z.infer<typeof agentRoutingRequest>;
export type AgentRoutingStatus = z.infer<typeof agentRoutingStatus>;
export type TeamList = z.infer<typeof teamList>;
export type TeamResponse = z.infer<typeof teamResponse>;
export type ApiKeyList = z.infer<typeof apiKeyList>;
export type ApiKeyResponse = z.infer<typeof apiKeyResponse>;
export type IdentitySecretResponse = z.infer<typeof identitySecretResponse>;
export type OutboxEmailResponse = z.infer<typeof outboxEmailResponse>;
