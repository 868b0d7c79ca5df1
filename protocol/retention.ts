import { z } from "zod";
import { LIMITS } from "./limits";

const { minDays, maxDays } = LIMITS.retention;

/** How long a workspace keeps sent emails and finished webhook deliveries before the cron prunes them. */
export const retentionSetting = z.object({
  /** Days kept; null: Parley's default, `defaultDays`. */
  days: z.number().int().min(minDays).max(maxDays).nullable(),
  defaultDays: z.number().int(),
});

export const retentionUpdate = z
  .object({ days: z.number().int().min(minDays).max(maxDays).nullable() })
  .strict();

export const retentionResponse = z.object({ retention: retentionSetting });

export type RetentionSetting = z.infer<typeof retentionSetting>;
export type RetentionUpdate = z.infer<typeof retentionUpdate>;
export type RetentionResponse = z.infer<typeof retentionResponse>;
