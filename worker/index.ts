import { app } from "./app";
import type { Env } from "./env";

export { ConversationRoom } from "../durable-objects/conversation-room";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
