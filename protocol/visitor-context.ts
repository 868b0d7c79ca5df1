import { z } from "zod";
import { customAttribute } from "./custom-attributes";
import { conversationStatus, feedbackSchema } from "./frames";

/**
 * What the console's context panel reads of a conversation besides the live page trail (which
 * comes over the room socket): who the customer is, what they told the pre-chat form, their
 * account, their earlier conversations, the rating, and the host's attributes.
 */
export const conversationContext = z.object({
  topic: z.string().nullable(),
  /** The pre-chat form's extra fields, with the channel's labels where the field still exists. */
  fields: z.array(z.object({ key: z.string(), label: z.string(), value: z.string() })),
  contact: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    /** The host platform's id for a signed-in customer (user-hash or user-token). */
    externalId: z.string().nullable(),
  }),
  account: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The host platform's request a user-token linked this conversation to. */
  requestId: z.string().nullable(),
  previous: z.array(z.object({ id: z.string(), subject: z.string(), status: conversationStatus, createdAt: z.number().int() })),
  feedback: feedbackSchema.nullable(),
  attributes: z.object({ contact: z.array(customAttribute), conversation: z.array(customAttribute) }),
});
export type ConversationContext = z.infer<typeof conversationContext>;
