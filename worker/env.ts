import type { ConversationRoom } from "../durable-objects/conversation-room";

export interface Env {
  DB: D1Database;
  ROOM: DurableObjectNamespace<ConversationRoom>;
  ASSETS: Fetcher;
  /** Signs visitors' conversation tokens. A secret in production; .dev.vars locally. */
  TOKEN_SECRET: string;
  /** "development" enables the demo page; anything else is production. */
  PARLEY_ENV: string;
  RESEND_API_KEY?: string;
}
