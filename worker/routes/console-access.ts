import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { getConversationHeader, type ConversationHeader } from "../db/inbox";
import { notFound } from "../http/errors";

/**
 * The conversation named in the path, if it is in the signed-in agent's workspace. Another
 * workspace's conversation is answered exactly like one that does not exist.
 */
export async function conversationForAgent(c: Context<AppEnv>, param = "id"): Promise<ConversationHeader> {
  const agent = c.get("agent");
  const conversation = await getConversationHeader(c.env.DB, agent.workspaceId, agent.id, c.req.param(param) ?? "");
  if (!conversation) throw notFound("conversation");
  return conversation;
}
