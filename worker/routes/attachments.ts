import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env";
import { downloadHeaders } from "../attachments/upload";
import { checkAttachmentLink, signedLinkQuery } from "../attachments/signed-link";
import { readSessionToken } from "../auth/session-cookie";
import { getAgent } from "../db/agents";
import { findAttachment } from "../db/attachments";
import { getConversation } from "../db/conversations";
import { findSession } from "../db/sessions";
import { HttpError, notFound, unauthorized } from "../http/errors";
import { parseQuery } from "../http/validate";

/**
 * One address per file, opened by a signed link (the widget's, see signed-link.ts) or by an
 * agent's session in the same workspace. The conversation token no longer opens files: a link
 * is copied and shared far more readily than a chat, and must not carry the key to the chat.
 */
export const attachmentRoutes = new Hono<AppEnv>();

async function workspaceOfReader(c: Context<AppEnv>, conversationId: string, attachmentId: string): Promise<string> {
  if (c.req.query("sig") !== undefined) {
    const q = parseQuery(c, signedLinkQuery);
    const verdict = await checkAttachmentLink(c.env.TOKEN_SECRET, { workspaceId: q.w, conversationId, attachmentId }, q);
    if (verdict === "invalid") throw new HttpError(403, "invalid_link", "this link is not signed for this file");
    if (verdict === "expired") throw new HttpError(401, "link_expired", "this link has expired; open the file from the chat again");
    return q.w;
  }
  const token = readSessionToken(c);
  const session = token ? await findSession(c.env.DB, token) : null;
  const agent = session ? await getAgent(c.env.DB, session.workspaceId, session.agentId) : null;
  if (!agent) throw unauthorized("sign in, or open the file from the chat");
  if (!(await getConversation(c.env.DB, agent.workspaceId, conversationId))) throw notFound("attachment");
  return agent.workspaceId;
}

attachmentRoutes.get("/:conversationId/:attachmentId", async (c) => {
  const { conversationId, attachmentId } = c.req.param();
  const workspaceId = await workspaceOfReader(c, conversationId, attachmentId);
  const meta = await findAttachment(c.env.DB, workspaceId, conversationId, attachmentId);
  if (!meta || meta.deleted_at !== null) throw notFound("attachment");
  const object = await c.env.FILES.get(meta.key);
  if (!object) throw notFound("attachment");
  return new Response(object.body, { headers: downloadHeaders(meta) });
});
