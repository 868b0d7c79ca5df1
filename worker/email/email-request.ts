import { z } from "zod";
import { locale } from "../../protocol/channel";

const transcriptLine = z.object({ author: z.string(), body: z.string(), createdAt: z.number().int() });

/** Every email Parley sends, by template; the data each template needs is fixed here. */
export const emailRequest = z.discriminatedUnion("template", [
  z.object({
    template: z.literal("transcript"),
    data: z.object({
      conversationId: z.string(),
      subject: z.string(),
      lines: z.array(transcriptLine),
      /** Earlier messages left out to keep the email within LIMITS.transcriptPayload. */
      omitted: z.number().int().min(0).optional(),
    }),
  }),
  /** Agent messages the customer has not seen, with the lines before them; answered by replying. */
  z.object({
    template: z.literal("reply"),
    data: z.object({
      conversationId: z.string(),
      subject: z.string(),
      channelName: z.string(),
      /** The new messages are the last `newCount` of `lines`. */
      lines: z.array(transcriptLine),
      newCount: z.number().int().min(1),
    }),
  }),
  z.object({
    template: z.literal("survey"),
    data: z.object({ conversationId: z.string(), subject: z.string(), contactName: z.string() }),
  }),
  z.object({
    template: z.literal("ticket_receipt"),
    data: z.object({ reference: z.string(), question: z.string(), contactName: z.string() }),
  }),
  z.object({
    template: z.literal("notification"),
    data: z.object({ conversationId: z.string(), subject: z.string(), from: z.string(), body: z.string() }),
  }),
  z.object({
    template: z.literal("admin_alert"),
    data: z.object({ conversationId: z.string().nullable(), subject: z.string(), text: z.string() }),
  }),
]);

export const emailEnvelope = z.object({
  workspaceId: z.string(),
  to: z.email(),
  locale: locale.default("en"),
  /** Same key, same email: queueing twice (a replayed alarm, a retried request) sends once. */
  idempotencyKey: z.string().min(8).max(256),
  /** Shown as the sender's name (the channel's), the address staying the deployment's own. */
  fromName: z.string().max(120).optional(),
  /**
   * An email about a conversation: answered at `replyTo` (a signed reply address), and threaded by
   * mail clients through its own Message-ID and the conversation's root in References.
   */
  thread: z
    .object({
      replyTo: z.string().min(3).max(254),
      messageId: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/),
      references: z.array(z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/)).max(20),
    })
    .optional(),
});

export type EmailRequest = z.infer<typeof emailRequest>;
export type EmailEnvelope = z.input<typeof emailEnvelope>;
