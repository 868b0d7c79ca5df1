import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../app-env";
import { SESSION_COOKIE } from "../auth/middleware";
import { getAgent } from "../db/agents";
import { findAttachment } from "../db/attachments";
import { getConversation } from "../db/conversations";
import { findSession } from "../db/sessions";
import { notFound, unauthorized } from "../http/errors";
import { downloadHeaders } from "../attachments/upload";
import { conversationForVisitor } from "../visitors/visitor-access";

/** One address per file, opened by the visitor's token or an agent's session in the same workspace. */
export const attachmentRoutes = new Hono<AppEnv>();

async function workspaceOfReader(c: Context<AppEnv>, conversationId: string): Promise<string> {
  if (c.req.query("token")) return (await conversationForVisitor(c, conversationId, false)).workspaceId;
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await findSession(c.env.DB, token) : null;
  const agent = session ? await getAgent(c.env.DB, session.workspaceId, session.agentId) : null;
  if (!agent) throw unauthorized("sign in, or pass the conversation token");
  if (!(await getConversation(c.env.DB, agent.workspaceId, conversationId))) throw notFound("attachment");
  return agent.workspaceId;
}

attachmentRoutes.get("/:conversationId/:attachmentId", async (c) => {
  const conversationId = c.req.param("conversationId");
  const workspaceId = await workspaceOfReader(c, conversationId);
  const meta = await findAttachment(c.env.DB, workspaceId, conversationId, c.req.param("attachmentId"));
  if (!meta || meta.deleted_at !== null) throw notFound("attachment");
  const object = await c.env.FILES.get(meta.key);
  if (!object) throw notFound("attachment");
  return new Response(object.body, { headers: downloadHeaders(meta) });
});
