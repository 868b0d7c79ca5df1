import type { ChannelLobby } from "../durable-objects/channel-lobby";
import type { ConversationRoom } from "../durable-objects/conversation-room";
import type { WebhookDispatcher } from "../durable-objects/webhook-dispatcher";

export interface Env {
  DB: D1Database;
  ROOM: DurableObjectNamespace<ConversationRoom>;
  LOBBY: DurableObjectNamespace<ChannelLobby>;
  WEBHOOKS: DurableObjectNamespace<WebhookDispatcher>;
  FILES: R2Bucket;
  ASSETS: Fetcher;
  /** Signs visitors' conversation tokens. A secret in production; .dev.vars locally. */
  TOKEN_SECRET: string;
  /** "development" enables the demo page; anything else is production. */
  PARLEY_ENV: string;
  /** DNS-over-HTTPS JSON endpoint for checking that email domains take mail; empty turns it off. */
  DOH_URL: string;
  /** Multiplies every rate limit; "1" (the default) keeps Chatwoot-like defaults. */
  RATE_LIMIT_FACTOR?: string;
  /** Without it, every email stays in the local outbox (shown in the console). */
  RESEND_API_KEY?: string;
  /** The From address for email through Resend, e.g. "Parley <support@example.com>". */
  EMAIL_FROM?: string;
  /**
   * Reply addresses live under it (`c-…@REPLY_DOMAIN`); Email Routing sends it to email(). Locally
   * "reply.parley.localhost", which `/cdn-cgi/handler/email` delivers to as well.
   */
  REPLY_DOMAIN?: string;
  /**
   * Cloudflare Email Service (a `send_email` binding named EMAIL): the second way out, used with
   * EMAIL_FROM when RESEND_API_KEY is not set.
   */
  EMAIL?: SendEmail;
}
