import { z } from "zod";
import { attention } from "./console";
import { LIMITS } from "./limits";

/** One action on the conversations an agent selected in the inbox (POST /api/console/conversations/bulk). */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "ids hold only letters, digits, _ and -");

export const bulkAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("archive") }).strict(),
  z.object({ type: z.literal("unarchive") }).strict(),
  z.object({ type: z.literal("attention"), attention }).strict(),
  z.object({ type: z.literal("assign"), agentId: id }).strict(),
  z.object({ type: z.literal("label"), labelId: id }).strict(),
  z.object({ type: z.literal("unlabel"), labelId: id }).strict(),
  z.object({ type: z.literal("notify_admins"), note: z.string().trim().max(1000, "note is at most 1000 characters").default("") }).strict(),
]);

export const bulkRequest = z
  .object({
    conversationIds: z
      .array(id)
      .min(1, "select at least one conversation")
      .max(LIMITS.bulkConversations, `at most ${LIMITS.bulkConversations} conversations at once`)
      .transform((ids) => [...new Set(ids)]),
    action: bulkAction,
  })
  .strict();

/** How it went: how many succeeded, and each one that did not, with why. */
export const bulkResult = z.object({
  succeeded: z.number().int().min(0),
  failed: z.array(z.object({ conversationId: z.string(), subject: z.string().nullable(), code: z.string(), message: z.string() })),
});

export type BulkAction = z.infer<typeof bulkAction>;
export type BulkRequest = z.input<typeof bulkRequest>;
export type BulkResult = z.infer<typeof bulkResult>;
