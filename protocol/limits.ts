// Plain constants, kept apart from the zod schemas so the widget can import them without bundling zod.
export const MAX_FRAME_BYTES = 16 * 1024;
export const MAX_MESSAGE_LENGTH = 4000;
export const HISTORY_PAGE_SIZE = 200;
export const MAX_NAME_LENGTH = 120;
export const MAX_SUBJECT_LENGTH = 200;
export const MAX_COMMENT_LENGTH = 2000;
/** Channels may lower this; it is the ceiling for any upload. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const LOCALES = ["en", "fi", "sv", "no", "da", "de", "nl", "it"] as const;
/** Agents' passwords, everywhere one is set (create-workspace, the admin API, a reset). */
export const MIN_PASSWORD_LENGTH = 12;
/** Agents one private note may @mention: a note to a few colleagues, not a broadcast. */
export const MAX_MENTIONS = 10;

/**
 * A token bucket: `burst` actions at once, refilled at `perSecond`. The one shape of every abuse
 * limit, whether the room keeps the bucket in memory or the Worker keeps it in D1.
 */
export type Rate = { burst: number; perSecond: number };

const perMinute = (n: number) => n / 60;
const perHour = (n: number) => n / 3600;

/**
 * Every abuse limit of Parley, in one place (docs/limits.md says why each value is what it is).
 * `RATE_LIMIT_FACTOR` scales the rates (not the totals) for a deployment; the benchmark and the
 * browser tests raise it, since their many users share one address and one machine.
 */
export const LIMITS = {
  /** Socket frames and room posts, per principal in one conversation. */
  frames: {
    visitor: {
      send: { burst: 10, perSecond: 1 },
      typing: { burst: 20, perSecond: 2 },
      read: { burst: 30, perSecond: 3 },
      feedback: { burst: 3, perSecond: perMinute(1) },
      end: { burst: 3, perSecond: perMinute(1) },
      reopen: { burst: 3, perSecond: perMinute(1) },
      transcript: { burst: 2, perSecond: perMinute(0.2) },
      resume: { burst: 20, perSecond: 2 },
      /** The page the visitor is on: each SPA navigation sends one; a script pushing history runs dry. */
      page: { burst: 20, perSecond: perMinute(20) },
    },
    agent: {
      send: { burst: 30, perSecond: 5 },
      typing: { burst: 40, perSecond: 4 },
      read: { burst: 60, perSecond: 6 },
      feedback: { burst: 3, perSecond: perMinute(1) },
      end: { burst: 5, perSecond: perMinute(2) },
      reopen: { burst: 5, perSecond: perMinute(2) },
      transcript: { burst: 2, perSecond: perMinute(0.2) },
      resume: { burst: 40, perSecond: 4 },
      /** Refused anyway (only the visitor has a page); counted so a client looping on it is slowed. */
      page: { burst: 5, perSecond: perMinute(5) },
    },
    /** REST API, inbound hooks and email replies post through the room's RPC. */
    integrator: {
      send: { burst: 60, perSecond: 10 },
    },
    /** All principals of one conversation together. */
    conversation: {
      send: { burst: 60, perSecond: 10 },
    },
  },
  conversation: {
    maxMessages: 5000,
    maxReopens: 5,
    /** Tabs of one visitor, or of one agent, on one conversation. */
    socketsPerPrincipal: 8,
    /** Transcript emails in the conversation's life, besides the one its end sends. */
    maxTranscripts: 3,
    maxAttachments: 100,
    maxAttachmentBytes: 200 * 1024 * 1024,
  },
  /** Worker routes, counted in D1; keys are grouped per address as `addressGroups` says. */
  http: {
    /** Chats and tickets started, per address (IPv4) or /64 (IPv6). */
    startConversation: { burst: 6, perSecond: perHour(0.5) },
    /** The same, per IPv4 /24 or IPv6 /48: an office behind one NAT, or one rotating attacker. */
    startConversationWide: { burst: 60, perSecond: perHour(5) },
    /** Sign-in attempts per (address, email). */
    signIn: { burst: 10, perSecond: perMinute(10 / 15) },
    /** Sign-in attempts per /64 (IPv6) or address (IPv4), whatever the email. */
    signInNetwork: { burst: 50, perSecond: perMinute(50 / 15) },
    /** Failed sign-ins per account, from anywhere; past it each attempt waits longer. */
    signInAccount: { burst: 20, perSecond: perHour(20) },
    /** The widget's public channel configuration, per address. */
    channelConfig: { burst: 120, perSecond: 2 },
    /** Per workspace, across all of its API keys. */
    api: { burst: 600, perSecond: 10 },
    /** Emailed replies into one conversation: a person answers a few times an hour, not a hundred. */
    inboundEmailConversation: { burst: 20, perSecond: perHour(20) },
    /** Emailed replies from one sender address, across every conversation. */
    inboundEmailSender: { burst: 30, perSecond: perHour(30) },
    /** Report reads and CSV exports per agent or workspace key: each reads a range of facts, not one row. */
    reports: { burst: 30, perSecond: perMinute(30) },
    /** Test events per webhook endpoint: enough to try a receiver a few times, never a way to flood a URL. */
    webhookTests: { burst: 5, perSecond: perMinute(2) },
  },
  /** Request bodies in bytes, per route family; a declared length over it is refused unread. */
  body: {
    json: 64 * 1024,
    /** An email and a password: nothing honest comes near it, and PBKDF2 never sees a huge input. */
    signIn: 4 * 1024,
    inboundHook: 64 * 1024,
    /** The largest file any channel may take, plus slack, so a file just over gets the clearer `file_too_large`. */
    upload: MAX_ATTACHMENT_BYTES + 16 * 1024,
  },
  /**
   * How long the public channel configuration's availability is reused (in the isolate, and by
   * browsers through max-age), so a flood of widget loads does not become a flood of lobby calls.
   */
  channelConfigCacheSeconds: 5,
  /** Sign-in failures on one account before its admins are told. */
  signInAlertAfter: 10,
  /**
   * The longest an account stays locked once `signInAccount` runs dry: each time it runs dry again in
   * the same run of failures the lock doubles, from the time one token takes to refill, up to this.
   */
  signInLockMaxSeconds: 3600,
  email: {
    perRecipientPerDay: 20,
    perWorkspacePerDay: 2000,
    /** An incoming email, attachments and all (Email Routing itself takes up to 25 MiB). */
    inboundBytes: 20 * 1024 * 1024,
    /** The original text kept beside an accepted email's message: a long thread's history, not a book. */
    originalTextChars: 64 * 1024,
  },
  /** Lines of a question a ticket receipt quotes back. */
  receiptQuoteLines: 3,
  /** Characters of those lines, so one long line cannot carry the whole question either. */
  receiptQuoteChars: 300,
  /**
   * The most of a transcript one webhook payload or one email carries: its newest messages, within
   * both counts. Far under D1's 2 MB row, so an ended event or a transcript email always fits.
   */
  transcriptPayload: { messages: 200, bytes: 256 * 1024 },
  /** A report covers at most `maxDays` local days; a conversations CSV answers `csvPageRows` rows a request. */
  reports: { maxDays: 400, csvPageRows: 10_000 },
  /** Lines of the console's request note; the whole transcript is streamed on demand. */
  requestNoteLines: 200,
  /** What the minutely cron keeps (worker/maintenance/prune.ts). */
  retention: {
    /** Sent emails and finished webhook deliveries, per workspace unless its admin sets otherwise. */
    defaultDays: 30,
    minDays: 1,
    maxDays: 3650,
    /** A retried request is replayed within this; past it, the key is forgotten. */
    idempotencyKeyHours: 24,
    /** Rows one cron run deletes per table, so one run never holds D1 for long. */
    rowsPerRun: 500,
  },
  /** Conversations waiting in one channel's queue; past it, the widget offers the ticket form. */
  queuePerChannel: 200,
  /** A visitor's conversation token: how long it opens its conversation, and the age at which use swaps it. */
  visitorToken: { lifetimeMs: 90 * 24 * 3600_000, refreshAfterMs: 7 * 24 * 3600_000 },
  /** A signed link to one attachment, handed to the widget: short, since a link can be copied and shared. */
  attachmentLinkMs: 15 * 60_000,
  /** Characters of an uploaded file's name, once cleaned. */
  fileNameLength: 200,
  /**
   * An Idempotency-Key's first request holds the key this long; a retry after it (the first one
   * crashed or hung) takes the key over instead of waiting for an answer that will never come.
   */
  idempotencyLeaseMs: 60_000,
  /** A login link is opened right after the platform makes it: minutes, not hours, limit a leaked one. */
  loginLinkTtlMs: 5 * 60_000,
  /** The agent's daily tools: saved replies, labels and bulk actions (docs/limits.md, "Daily tools"). */
  cannedResponses: {
    /** Shared ones per workspace, and personal ones per agent: the `/` list is read whole by the console. */
    perWorkspace: 500,
    perAgent: 200,
    /** Locales besides the default body: one per language the widget speaks. */
    variants: 8,
    /** FAQs the `/` list shows beside them: typing narrows it, so a screenful is enough. */
    faqsInList: 50,
  },
  labels: { perWorkspace: 100, perConversation: 20 },
  /**
   * Conversations one bulk action touches: each costs a few D1 writes and maybe a room call, and one
   * request must stay well inside a Worker's subrequest budget (1000).
   */
  bulkConversations: 100,
  /** Visitor context (docs/limits.md, "Visitor context"): what the widget reports and the host signs. */
  visitorContext: {
    /** Pages the trail keeps per conversation; the oldest fall off. */
    trailPages: 50,
    urlLength: 2048,
    titleLength: 300,
    /** BCP 47 tag and IANA zone names are short; these are generous ceilings. */
    languageLength: 35,
    timeZoneLength: 64,
  },
  /** `user-token` (worker/auth/user-token.ts). */
  userToken: {
    /** Characters of the whole JWT: identity and a few dozen attributes fit in far less. */
    maxBytes: 4096,
    /** How far the host's clock may be off from ours, either way, for exp, nbf and iat. */
    clockSkewSeconds: 60,
    /** A token is minted per page load; one valid for longer than a day is a leaked credential waiting. */
    maxLifetimeSeconds: 24 * 3600,
  },
  customAttributes: {
    /** Per contact, and per conversation (each side counted alone). */
    perSubject: 50,
    valueLength: 500,
    /** `attribute.<key>=` filters on one conversation list: each is one indexed EXISTS. */
    filterKeys: 5,
  },
  /** Routing and response-time targets (docs/limits.md, "Routing"). */
  routing: {
    /** An offer shorter than this cannot be read and answered; longer than this leaves the visitor waiting on one absent agent. */
    minOfferSeconds: 10,
    maxOfferSeconds: 600,
    /** Concurrent live chats an agent may be given; the default is 3. */
    maxCapacity: 20,
    defaultCapacity: 3,
    minTargetSeconds: 30,
    maxTargetSeconds: 24 * 3600,
  },
  /** Webhook signing secrets (docs/limits.md, "Webhooks"). */
  webhookSecrets: {
    /** After a rotation the old secret keeps signing beside the new one this long, unless the request says otherwise. */
    defaultOverlapSeconds: 24 * 3600,
    /** A week covers any deploy cycle; longer, a secret thought retired stays a live credential. */
    maxOverlapSeconds: 7 * 24 * 3600,
  },
} as const satisfies Record<string, unknown>;
