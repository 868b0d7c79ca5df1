import { app } from "./app";
import type { Env } from "./env";

export { ChannelLobby } from "../durable-objects/channel-lobby";
export { ConversationRoom } from "../durable-objects/conversation-room";
export { WebhookDispatcher } from "../durable-objects/webhook-dispatcher";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
