import type { Context } from "hono";
import type { ConversationDetail } from "../../protocol/console";
import type { AppEnv } from "../app-env";
import { getConversationDetail } from "../db/inbox";
import { notFound } from "../http/errors";

/**
 * The conversation named in the path, if it is in the signed-in agent's workspace. Another
 * workspace's conversation is answered exactly like one that does not exist.
 */
export async function conversationForAgent(c: Context<AppEnv>, param = "id"): Promise<ConversationDetail> {
  const agent = c.get("agent");
  const conversation = await getConversationDetail(c.env.DB, agent.workspaceId, agent.id, c.req.param(param) ?? "");
  if (!conversation) throw notFound("conversation");
  return conversation;
}
