import { Hono, type Context } from "hono";
import { bulkRequest, type BulkAction, type BulkResult } from "../../protocol/bulk-actions";
import type { Label } from "../../protocol/labels";
import type { AppEnv } from "../app-env";
import { getAgent } from "../db/agents";
import { updateConversationFlags } from "../db/console-conversations";
import { getConversationHeader, type ConversationHeader } from "../db/inbox";
import { getLabel } from "../db/labels";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { labelConversation, unlabelConversation } from "../labels/conversation-labels";
import { assignConversation, notifyAdmins } from "./console-thread-actions";

/**
 * One action on the conversations selected in the inbox. Each is looked up in the agent's own
 * workspace, so an id from elsewhere fails exactly like one that does not exist; one failing does
 * not stop the others, and the answer names each failure.
 */
export const bulkRoutes = new Hono<AppEnv>();

type Apply = (conversation: ConversationHeader) => Promise<void>;

/** What the action needs is checked once, up front: a wrong agent or label is the request's fault, not a thread's. */
async function prepare(c: Context<AppEnv>, action: BulkAction): Promise<Apply> {
  const env = c.env;
  const agent = c.get("agent");
  const { workspaceId } = agent;
  switch (action.type) {
    case "archive":
    case "unarchive": {
      const archived = action.type === "archive";
      return async (t) => void (await updateConversationFlags(env.DB, workspaceId, t.id, { archived }));
    }
    case "attention":
      return async (t) => void (await updateConversationFlags(env.DB, workspaceId, t.id, { attention: action.attention }));
    case "assign": {
      const target = await getAgent(env.DB, workspaceId, action.agentId);
      if (!target) throw new HttpError(400, "invalid_request", "action.agentId: no such agent in this workspace");
      return (t) => assignConversation(env, workspaceId, t.id, target);
    }
    case "label":
    case "unlabel": {
      const label: Label | null = await getLabel(env.DB, workspaceId, action.labelId);
      if (!label) throw new HttpError(400, "invalid_request", "action.labelId: no such label in this workspace");
      const change = action.type === "label" ? labelConversation : unlabelConversation;
      return async (t) => void (await change(env, workspaceId, t.id, label));
    }
    case "notify_admins": {
      const origin = new URL(c.req.url).origin;
      return async (t) => void (await notifyAdmins(env, agent, t, action.note, origin));
    }
  }
}

const failure = (err: unknown) =>
  err instanceof HttpError ? { code: err.code, message: err.message } : { code: "internal", message: "something went wrong on our side" };

bulkRoutes.post("/conversations/bulk", async (c) => {
  const { conversationIds, action } = await parseBody(c, bulkRequest);
  const agent = c.get("agent");
  const apply = await prepare(c, action);
  const result: BulkResult = { succeeded: 0, failed: [] };
  // One at a time: a hundred room calls at once would contend with the agents using those rooms.
  for (const conversationId of conversationIds) {
    const conversation = await getConversationHeader(c.env.DB, agent.workspaceId, agent.id, conversationId);
    if (!conversation) {
      result.failed.push({ conversationId, subject: null, code: "not_found", message: "conversation not found" });
      continue;
    }
    try {
      await apply(conversation);
      result.succeeded++;
    } catch (err) {
      if (!(err instanceof HttpError)) console.error("bulk action", action.type, conversationId, err);
      result.failed.push({ conversationId, subject: conversation.subject, ...failure(err) });
    }
  }
  return c.json(result);
});
