import { z } from "zod";
import { conversationSummary, email, personName, subject } from "./api";
import { locale } from "./channel";
import { PAGE_SIZES } from "./console-limits";
import { agentRef, attachmentSchema, clientId, messageBody } from "./frames";
import { label } from "./labels";
import { LIMITS } from "./limits";

/**
 * The agent console's HTTP contract beyond sign-in: the inbox, thread operations, accounts and
 * notifications. Parsed by the Worker, used for types by the console.
 */

/** attentive: the thread still needs the customer's reply (it is being worked on); answered: done. */
export const attention = z.enum(["attentive", "answered"]);

/** Active: not archived; Unread: has messages this agent has not read; Archived; All: every thread. */
export const inboxFilter = z.enum(["all", "active", "unread", "archived"]);

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "ids hold only letters, digits, _ and -");

/** Where the next page starts: the last row's activity time and id, so pages never skip or repeat a row. */
export const inboxCursor = z
  .string()
  .regex(/^\d{1,16}~[A-Za-z0-9_-]{1,64}$/, "cursor is not one this server gave out")
  .transform((s) => {
    const [at, rowId] = s.split("~") as [string, string];
    return { activityAt: Number(at), id: rowId };
  });

export const consoleInboxQuery = z.object({
  filter: inboxFilter.default("active"),
  attention: attention.optional(),
  q: z
    .string()
    .trim()
    .max(200, "q is at most 200 characters")
    .optional()
    .transform((s) => s || undefined),
  accountId: id.optional(),
  /** Comma-separated label ids: threads with every one of them. */
  labels: z
    .string()
    .optional()
    .transform((s) => (s ? [...new Set(s.split(","))] : []))
    .pipe(z.array(id).max(LIMITS.labels.perConversation, `at most ${LIMITS.labels.perConversation} labels`)),
  limit: z.coerce
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: `limit must be ${PAGE_SIZES.join(", ")}` })
    .default(PAGE_SIZES[0]),
  cursor: inboxCursor.optional(),
});

export const accountRef = z.object({ id: z.string(), name: z.string() });

/** One row of the inbox, as this agent sees it. */
export const inboxConversation = conversationSummary.extend({
  channelId: z.string(),
  attention,
  archived: z.boolean(),
  /** Messages after this agent's read mark that others wrote. */
  unread: z.number().int().min(0),
  /** Who is responsible: the agent who accepted it, or who it was assigned to. */
  responsibleAgent: agentRef.nullable(),
  labels: z.array(label),
  contact: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    /** False when only an anonymous visitor's typing says the email is theirs (no verified identity). */
    emailVerified: z.boolean(),
    account: accountRef.nullable(),
    /** How the customer is named on their messages: the contact's name once in an account, else their email. */
    label: z.string(),
  }),
  activityAt: z.number().int(),
});

export const inboxPage = z.object({ conversations: z.array(inboxConversation), nextCursor: z.string().nullable() });

export const conversationDetail = inboxConversation.extend({
  /** The transcript, one line per message, built from the conversation's messages (the request note). */
  requestNote: z.string(),
  /** The visitor's language, for what is emailed to them. */
  locale: locale.nullable(),
  /** The conversation this one continues (the customer emailed after it had ended), and those that continue it. */
  followUpOf: z.object({ id: z.string(), subject: z.string() }).nullable(),
  followUps: z.array(z.object({ id: z.string(), subject: z.string() })),
});

/** The whole email a message came from, before its quoted history and signature were cut. */
export const originalEmailResponse = z.object({
  email: z.object({ fromAddress: z.string(), receivedAt: z.number(), text: z.string() }),
});

export const conversationUpdate = z
  .object({
    attention: attention.optional(),
    archived: z.boolean().optional(),
    /** Makes this agent of the workspace responsible for the thread. */
    responsibleAgentId: id.optional(),
  })
  .strict()
  .refine((u) => Object.keys(u).length > 0, "say what to change: attention, archived or responsibleAgentId");

export const readRequest = z.object({ seq: z.number().int().min(0) });

/** An agent starts a thread with a customer: it is active with its responsible agent from the first message. */
export const agentStartRequest = z.object({
  channelId: id,
  contact: z.object({ name: personName, email }),
  subject,
  message: z.object({ clientId, body: messageBody }),
  attention: attention.default("attentive"),
  /** Defaults to the agent who starts it. */
  responsibleAgentId: id.optional(),
  /** "Notify administrators" as the thread starts, with an optional note for them. */
  notifyAdmins: z
    .object({ note: z.string().trim().max(1000, "note is at most 1000 characters").default("") })
    .strict()
    .optional(),
});

/** "Email the transcript": to the conversation's contact unless another address is given. */
export const transcriptRequest = z.object({ to: email.optional() }).strict();

export const notifyAdminsRequest = z
  .object({ note: z.string().trim().max(1000, "note is at most 1000 characters").default("") })
  .strict();

export const conversationAttachment = attachmentSchema.extend({
  uploadedBy: z.enum(["visitor", "agent"]),
  createdAt: z.number().int(),
});
export const attachmentList = z.object({ attachments: z.array(conversationAttachment) });

export const workspaceAgent = agentRef.extend({ role: z.enum(["admin", "agent"]) });
export const agentList = z.object({ agents: z.array(workspaceAgent) });

// Accounts
export const accountName = z.string().trim().min(1, "name is required").max(120, "name is at most 120 characters");
export const accountInput = z.object({ name: accountName }).strict();
/** Accounts by their threads: any, with a live (not archived) thread, with an unread one, with an archived one. */
export const accountFilter = inboxFilter;
export const accountsQuery = z.object({
  filter: accountFilter.default("all"),
  q: z
    .string()
    .trim()
    .max(120)
    .optional()
    .transform((s) => s || undefined),
});
export const accountSummary = accountRef.extend({
  contactCount: z.number().int().min(0),
  /** Threads of the account's contacts with messages this agent has not read. */
  unreadThreads: z.number().int().min(0),
  /** Threads of the account's contacts that are not archived. */
  activeThreads: z.number().int().min(0),
  createdAt: z.number().int(),
});
export const accountContact = z.object({ id: z.string(), name: z.string(), email: z.string() });
export const accountDetail = accountRef.extend({ createdAt: z.number().int(), contacts: z.array(accountContact) });
export const accountList = z.object({ accounts: z.array(accountSummary) });
/** Links the workspace's contact with this email to the account, creating the contact if there is none. */
export const contactLinkRequest = z.object({ name: personName, email }).strict();

// Notifications
export const notificationSchema = z.object({
  /** Null for a sign-in alert, which is about an account rather than a thread. */
  conversationId: z.string().nullable(),
  subject: z.string(),
  kind: z.enum(["message", "alert", "sign_in", "mention"]),
  authorName: z.string(),
  preview: z.string(),
  updatedAt: z.number().int(),
  unseen: z.boolean(),
});
export const notificationList = z.object({ notifications: z.array(notificationSchema), unseen: z.number().int().min(0) });

export type Attention = z.infer<typeof attention>;
export type InboxFilter = z.infer<typeof inboxFilter>;
export type ConsoleInboxQuery = z.infer<typeof consoleInboxQuery>;
export type InboxConversation = z.infer<typeof inboxConversation>;
export type InboxPage = z.infer<typeof inboxPage>;
export type ConversationDetail = z.infer<typeof conversationDetail>;
export type ConversationUpdate = z.infer<typeof conversationUpdate>;
export type AgentStartRequest = z.input<typeof agentStartRequest>;
export type ConversationAttachment = z.infer<typeof conversationAttachment>;
export type WorkspaceAgent = z.infer<typeof workspaceAgent>;
export type AgentList = z.infer<typeof agentList>;
export type AttachmentList = z.infer<typeof attachmentList>;
export type AccountList = z.infer<typeof accountList>;
export type AccountSummary = z.infer<typeof accountSummary>;
export type AccountDetail = z.infer<typeof accountDetail>;
export type AccountContact = z.infer<typeof accountContact>;
export type Notification = z.infer<typeof notificationSchema>;
export type NotificationList = z.infer<typeof notificationList>;
export type OriginalEmailResponse = z.infer<typeof originalEmailResponse>;
