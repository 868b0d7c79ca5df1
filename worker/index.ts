import { app } from "./app";
import { receiveEmail } from "./email/inbound/receive";
import { drainEmailOutbox } from "./email/delivery";
import type { Env } from "./env";
import { pruneOnce } from "./maintenance/prune";

export { ChannelLobby } from "../durable-objects/channel-lobby";
export { ConversationRoom } from "../durable-objects/conversation-room";
export { WebhookDispatcher } from "../durable-objects/webhook-dispatcher";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // Every minute: emails Resend asked us to retry (429, 5xx) go out again when due, and a bounded
  // slice of what grows without end (expired sessions, old buckets and keys, past retention) goes.
  scheduled: (_controller, env, ctx) => ctx.waitUntil(Promise.all([drainEmailOutbox(env), pruneOnce(env)])),
  // Email Routing hands every mail to the reply addresses here (docs/email.md).
  email: async (message, env) => {
    await receiveEmail(message, env);
  },
} satisfies ExportedHandler<Env>;
