import { z } from "zod";
import { locale } from "./channel";
import { LIMITS, MAX_MESSAGE_LENGTH } from "./limits";

/**
 * Canned responses (saved replies): shared ones kept by admins, personal ones kept by each agent.
 * The same schemas serve the console (/api/console/canned-responses) and the REST API
 * (/api/v1/canned-responses).
 */

/** What follows `/` in the composer: lower-case letters, digits and dashes, e.g. `refund-policy`. */
export const cannedResponseShortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{Ll}\p{N}][\p{Ll}\p{N}_-]{0,39}$/u, "shortcut: 1 to 40 letters, digits, - or _, starting with a letter or digit");

const title = z.string().trim().min(1, "title is required").max(120, "title is at most 120 characters");
const body = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `body is at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((s) => s.trim().length > 0, "body cannot be empty");

/** The body in other languages; the conversation's locale picks one, else `body` is used. */
export const cannedResponseVariants = z
  .partialRecord(locale, body)
  .refine((v) => Object.keys(v).length <= LIMITS.cannedResponses.variants, `at most ${LIMITS.cannedResponses.variants} variants`);

/** The variables a body may hold; each is filled when the reply is inserted. */
export const CANNED_VARIABLES = ["contact.name", "contact.email", "agent.name", "conversation.id"] as const;

export const cannedResponseScope = z.enum(["shared", "personal"]);

export const cannedResponseInput = z
  .object({
    shortcut: cannedResponseShortcut,
    title,
    body,
    variants: cannedResponseVariants.default({}),
    /** Personal: only its owner sees it. Shared: the whole workspace; only admins keep these. */
    scope: cannedResponseScope.default("personal"),
  })
  .strict();

export const cannedResponseUpdate = z
  .object({ shortcut: cannedResponseShortcut, title, body, variants: cannedResponseVariants })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, "say what to change: shortcut, title, body or variants");

export const cannedResponse = z.object({
  id: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  variants: z.partialRecord(locale, z.string()),
  scope: cannedResponseScope,
  /** The agent who keeps a personal one; null for a shared one. */
  ownerAgentId: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const cannedResponseQuery = z.object({
  /** Full-text search over title and body, each word a prefix; the shortcut matches too. */
  q: z
    .string()
    .trim()
    .max(200, "q is at most 200 characters")
    .optional()
    .transform((s) => s || undefined),
});

export const cannedResponseList = z.object({ cannedResponses: z.array(cannedResponse) });

export type CannedResponse = z.infer<typeof cannedResponse>;
export type CannedResponseInput = z.input<typeof cannedResponseInput>;
export type CannedResponseUpdate = z.infer<typeof cannedResponseUpdate>;
export type CannedResponseList = z.infer<typeof cannedResponseList>;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

/** The composer's `/` list for one thread: canned responses, then the channel's FAQs. */
export const replyList = cannedResponseList.extend({
  faqs: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string() })),
});
export type ReplyList = z.infer<typeof replyList>;
