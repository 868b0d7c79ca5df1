import { z } from "zod";
import { LIMITS, LOCALES, MAX_ATTACHMENT_BYTES, MAX_MESSAGE_LENGTH } from "./limits";

export const locale = z.enum(LOCALES);

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "times are HH:MM, 24-hour");
const weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

/** Opening hours in the channel's own time zone; a day that is absent is closed. */
export const openingHours = z.object({
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "timeZone must be an IANA time zone such as Europe/Helsinki"),
  days: z.partialRecord(weekday, z.array(z.tuple([time, time])).max(4)),
});

export const preChatField = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "field keys are lower-case identifiers"),
  label: z.string().min(1).max(80),
  type: z.enum(["text", "tel", "select"]).default("text"),
  required: z.boolean().default(false),
  options: z.array(z.string().min(1).max(80)).max(50).optional(),
});

/** Per-locale overrides of any widget string, e.g. `{ fi: { greeting: "Hei!" } }`. */
export const stringOverrides = z.partialRecord(locale, z.record(z.string(), z.string().max(1000)));

/**
 * `manual`: the queue and Accept. `auto`: round robin, `least_busy`: the agent with the fewest live
 * chats; both offer a chat to one available agent under capacity at a time, for `offerSeconds`.
 */
export const routingMode = z.enum(["manual", "auto", "least_busy"]);
export const routingSettings = z.object({
  mode: routingMode.default("manual"),
  offerSeconds: z.number().int().min(LIMITS.routing.minOfferSeconds).max(LIMITS.routing.maxOfferSeconds).default(30),
});
const ROUTING_DEFAULTS = { mode: "manual" as const, offerSeconds: 30 };

const targetSeconds = z.number().int().min(LIMITS.routing.minTargetSeconds).max(LIMITS.routing.maxTargetSeconds).nullable();
export const responseTargets = z.object({
  /** A waiting chat should be accepted within this. */
  waitSeconds: targetSeconds.default(null),
  /** An accepted chat should get the agent's first reply within this. */
  firstResponseSeconds: targetSeconds.default(null),
});
const TARGET_DEFAULTS = { waitSeconds: null, firstResponseSeconds: null };

export const visitorContextSettings = z.object({
  enabled: z.boolean().default(true),
  stripQuery: z.boolean().default(false),
});
const VISITOR_CONTEXT_DEFAULTS = { enabled: true, stripQuery: false };

/** Everything a channel can be set to; every field has a default, so `{}` is a working channel. */
export const channelConfig = z.object({
  /** The channel's switch: off, the widget shows nothing and no new chat or ticket starts on it. */
  enabled: z.boolean().default(true),
  topics: z.array(z.string().min(1).max(80)).max(30).default([]),
  preChatFields: z.array(preChatField).max(10).default([]),
  faqSuggestions: z.boolean().default(false),
  /** null: always open. */
  openingHours: openingHours.nullable().default(null),
  ticketSubmission: z.boolean().default(false),
  /** With nobody available inside opening hours, the widget takes the question to answer by email. */
  leaveMessage: z.boolean().default(true),
  idleMinutes: z.number().int().min(1).max(24 * 60).default(10),
  /**
   * How long after the visitor's last socket closes the chat waits for them to come back (a reload,
   * the next page of the site) before it ends as `visitor_left`.
   */
  leaveGraceSeconds: z.number().int().min(15).max(24 * 3600).default(120),
  /**
   * How long an agent's message may go unseen by the customer (not on the page, or not reading)
   * before it is emailed to them, with whatever else came meanwhile.
   */
  replyEmailDelaySeconds: z.number().int().min(5).max(24 * 3600).default(180),
  /**
   * A customer's email to an ended conversation: `reopen` it (back to its agent, or the queue), or
   * start a `follow_up` conversation linked to it. Past the reopen limit it is a follow-up either way.
   */
  emailAfterEnd: z.enum(["reopen", "follow_up"]).default("reopen"),
  endForm: z.object({ enabled: z.boolean().default(true), allowBackToChat: z.boolean().default(true) }).default({
    enabled: true,
    allowBackToChat: true,
  }),
  transcriptEmail: z.boolean().default(false),
  maxMessageLength: z.number().int().min(100).max(MAX_MESSAGE_LENGTH).default(MAX_MESSAGE_LENGTH),
  attachments: z
    .object({
      maxBytes: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES).default(MAX_ATTACHMENT_BYTES),
      /** MIME types or `type/*` patterns. */
      types: z.array(z.string()).default(["image/*", "application/pdf", "text/plain"]),
    })
    .default({ maxBytes: MAX_ATTACHMENT_BYTES, types: ["image/*", "application/pdf", "text/plain"] }),
  strings: stringOverrides.default({}),
  /** Where new-message notifications for this channel go, besides the responsible agent. */
  notificationEmail: z.email().nullable().default(null),
  /** Routes a conversation linked to a request to any member of the assigned team. */
  allowTeamRouting: z.boolean().default(false),
  /**
   * Visitor context: the widget reports the page and the trail of pages to agents. A channel can
   * keep it off for privacy, or keep URLs without their query strings (tokens, emails, searches).
   */
  visitorContext: visitorContextSettings.default(VISITOR_CONTEXT_DEFAULTS),
  /** How the channel's lobby hands out waiting chats (docs/lobby-protocol.md, "Routing"). */
  routing: routingSettings.default(ROUTING_DEFAULTS),
  /** Response-time targets, counted in opening hours only; null: no target. */
  targets: responseTargets.default(TARGET_DEFAULTS),
});

/** Why the widget cannot start a live chat right now (`queue_full`: the channel's queue is at its cap). */
export const unavailableReason = z.enum(["closed", "no_agents", "queue_full"]);

/** What the widget may know of a channel (never the identity secret or notification address). */
export const publicChannel = z.object({
  key: z.string(),
  name: z.string(),
  /** Off: the widget renders nothing. */
  enabled: z.boolean(),
  topics: z.array(z.string()),
  preChatFields: z.array(preChatField),
  faqSuggestions: z.boolean(),
  /** The widget takes a written question now: tickets, or "Leave a message" while nobody is available. */
  ticketSubmission: z.boolean(),
  endForm: channelConfig.shape.endForm.unwrap(),
  transcriptEmail: z.boolean(),
  maxMessageLength: z.number().int(),
  attachments: channelConfig.shape.attachments.unwrap(),
  strings: stringOverrides,
  openingHours: openingHours.nullable(),
  /** Whether the widget reports pages, and with or without query strings. */
  visitorContext: visitorContextSettings,
  /** Whether a live chat can start now, and if not, why. */
  availability: z.object({ available: z.boolean(), reason: unavailableReason.nullable() }),
});

export type ChannelConfig = z.infer<typeof channelConfig>;
export type VisitorContextSettings = z.infer<typeof visitorContextSettings>;
export type RoutingMode = z.infer<typeof routingMode>;
export type RoutingSettings = z.infer<typeof routingSettings>;
export type ResponseTargets = z.infer<typeof responseTargets>;
export type PublicChannel = z.infer<typeof publicChannel>;
export type OpeningHours = z.infer<typeof openingHours>;
export type PreChatField = z.infer<typeof preChatField>;
export type Locale = z.infer<typeof locale>;
