import { z } from "zod";

/** Labels: admin-managed, coloured, any number on a conversation (up to LIMITS.labels.perConversation). */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "ids hold only letters, digits, _ and -");

export const labelName = z.string().trim().min(1, "name is required").max(40, "name is at most 40 characters");
export const labelColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "color is #rrggbb")
  .transform((s) => s.toLowerCase());

export const labelInput = z.object({ name: labelName, color: labelColor }).strict();
export const labelUpdate = z
  .object({ name: labelName, color: labelColor })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, "say what to change: name or color");

export const label = z.object({ id: z.string(), name: z.string(), color: z.string() });
export const labelList = z.object({ labels: z.array(label) });

/** Puts a label on a conversation (again is harmless). */
export const conversationLabelRequest = z.object({ labelId: id }).strict();

export type Label = z.infer<typeof label>;
export type LabelInput = z.infer<typeof labelInput>;
export type LabelList = z.infer<typeof labelList>;
