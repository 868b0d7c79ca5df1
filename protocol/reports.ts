import { z } from "zod";
import { LIMITS } from "./limits";

/** Reports: the query every report endpoint takes and what it answers (console and /api/v1 alike). */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "dates are YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(d)), "no such date");
const id = z.string().min(1).max(64);
const DAY_MS = 86_400_000;

export const reportGroup = z.enum(["day", "week", "month"]);

/**
 * Local dates in the workspace's time zone, both included; without them, the last 28 days. Weeks
 * start on Monday. `team` counts the conversations its members are responsible for.
 */
export const reportQuery = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    group: reportGroup.default("day"),
    channel: id.optional(),
    team: id.optional(),
    agent: id.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS < LIMITS.reports.maxDays, {
    message: `a report covers at most ${LIMITS.reports.maxDays} days`,
    path: ["to"],
  });

/** The conversations CSV pages by `after` (the `Link: rel="next"` of the page before). */
export const conversationsCsvQuery = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    channel: id.optional(),
    team: id.optional(),
    agent: id.optional(),
    after: z.string().regex(/^\d{1,16}_[A-Za-z0-9_-]{1,64}$/, "after is the cursor from the Link header").optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.reports.csvPageRows).default(LIMITS.reports.csvPageRows),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

/** Milliseconds; nearest-rank percentiles, null when nothing was measured. */
const spread = z.object({ median: z.number().nullable(), p90: z.number().nullable(), count: z.number().int() });

export const reportFigures = z.object({
  started: z.number().int(),
  accepted: z.number().int(),
  /** A visitor's chat that ended (or was left) with nobody ever accepting it. */
  missed: z.number().int(),
  /** Null when filtered by agent or team: a ticket has neither. */
  tickets: z.number().int().nullable(),
  wait: spread,
  firstResponse: spread,
  resolution: spread,
  /** Shares 0…1 and the average of 1–5 stars; null when nobody answered. */
  satisfiedShare: z.number().nullable(),
  averageRating: z.number().nullable(),
  endFormRate: z.number().nullable(),
  surveyRate: z.number().nullable(),
});

export const reportResponse = z.object({
  timeZone: z.string(),
  from: isoDate,
  to: isoDate,
  group: reportGroup,
  totals: reportFigures,
  /** One entry per day, week (its Monday) or month (its first day), empty ones included. */
  series: z.array(reportFigures.extend({ period: isoDate })),
  /** Conversations started per local weekday (0 = Monday) and hour. */
  heatmap: z.array(z.object({ weekday: z.number().int(), hour: z.number().int(), conversations: z.number().int() })),
  agents: z.array(
    z.object({
      agentId: z.string(),
      name: z.string(),
      handled: z.number().int(),
      /** The most conversations the agent had open at once. */
      peakConcurrent: z.number().int(),
      firstResponseMedian: z.number().nullable(),
      averageRating: z.number().nullable(),
    }),
  ),
  topics: z.array(z.object({ topic: z.string(), conversations: z.number().int() })),
  /** Labels on the range's conversations, most used first. */
  labels: z.array(z.object({ name: z.string(), color: z.string(), conversations: z.number().int() })),
  /** Newest first, deleted conversations left out. */
  comments: z.array(
    z.object({
      conversationId: z.string(),
      subject: z.string(),
      satisfied: z.boolean().nullable(),
      rating: z.number().int().nullable(),
      comment: z.string(),
      endedAt: z.number().int().nullable(),
    }),
  ),
  /** What the reader is shown: "own" when an agent sees only their own conversations. */
  scope: z.enum(["all", "own"]),
});

export const reportSettings = z
  .object({
    /** IANA zone; null: the first channel's opening-hours zone, else UTC. */
    timeZone: z
      .string()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "timeZone must be an IANA time zone such as Europe/Helsinki")
      .nullable(),
    /** "own": agents see their own figures only; "all": every agent sees the whole workspace. */
    agentReports: z.enum(["own", "all"]),
  })
  .strict();

export type ReportQuery = z.infer<typeof reportQuery>;
export type ConversationsCsvQuery = z.infer<typeof conversationsCsvQuery>;
export type ReportFigures = z.infer<typeof reportFigures>;
export type ReportResponse = z.infer<typeof reportResponse>;
export type ReportSettings = z.infer<typeof reportSettings>;
export type ReportGroup = z.infer<typeof reportGroup>;
