import { Hono, type Context } from "hono";
import { cannedResponseInput, cannedResponseQuery, cannedResponseUpdate } from "../../protocol/canned-responses";
import type { AppEnv } from "../app-env";
import { requireAgent } from "../auth/middleware";
import { createCannedResponse, deleteCannedResponse, getCannedResponse, listCannedResponses, updateCannedResponse } from "../db/canned-responses";
import { listChannelFaqs } from "../db/faqs";
import { forbidden, notFound } from "../http/errors";
import { parseBody, parseQuery } from "../http/validate";
import { conversationForAgent } from "./console-access";

/**
 * The agent's saved replies: the shared ones (kept by admins) and their own. Another agent's
 * personal reply is answered like one that does not exist.
 */
export const cannedResponseRoutes = new Hono<AppEnv>();

cannedResponseRoutes.use("/canned-responses", requireAgent);
cannedResponseRoutes.use("/canned-responses/*", requireAgent);

const viewerOf = (c: Context<AppEnv>) => ({ agentId: c.get("agent").id });

const sharedForAdminsOnly = () => forbidden("only admins keep shared canned responses; keep a personal one instead");

cannedResponseRoutes.get("/canned-responses", async (c) => {
  const { q } = parseQuery(c, cannedResponseQuery);
  return c.json({ cannedResponses: await listCannedResponses(c.env.DB, c.get("workspaceId"), viewerOf(c), q) });
});

cannedResponseRoutes.post("/canned-responses", async (c) => {
  const { scope, ...input } = await parseBody(c, cannedResponseInput);
  const agent = c.get("agent");
  if (scope === "shared" && agent.role !== "admin") throw sharedForAdminsOnly();
  const created = await createCannedResponse(c.env.DB, agent.workspaceId, scope === "shared" ? null : agent.id, input);
  return c.json({ cannedResponse: created }, 201);
});

async function editable(c: Context<AppEnv>) {
  const found = await getCannedResponse(c.env.DB, c.get("workspaceId"), viewerOf(c), c.req.param("id") ?? "");
  if (!found) throw notFound("canned response");
  if (found.scope === "shared" && c.get("agent").role !== "admin") throw sharedForAdminsOnly();
  return found;
}

cannedResponseRoutes.patch("/canned-responses/:id", async (c) => {
  const update = await parseBody(c, cannedResponseUpdate);
  const current = await editable(c);
  return c.json({ cannedResponse: await updateCannedResponse(c.env.DB, c.get("workspaceId"), current, update) });
});

cannedResponseRoutes.delete("/canned-responses/:id", async (c) => {
  const current = await editable(c);
  await deleteCannedResponse(c.env.DB, c.get("workspaceId"), current.id);
  return c.body(null, 204);
});

/** The composer's `/` list for one thread: the agent's canned responses and the thread's channel's FAQs. */
cannedResponseRoutes.get("/conversations/:id/replies", async (c) => {
  const { q } = parseQuery(c, cannedResponseQuery);
  const conversation = await conversationForAgent(c);
  const workspaceId = c.get("workspaceId");
  const [cannedResponses, faqs] = await Promise.all([
    listCannedResponses(c.env.DB, workspaceId, viewerOf(c), q),
    listChannelFaqs(c.env.DB, workspaceId, conversation.channelId, q),
  ]);
  return c.json({ cannedResponses, faqs });
});
