import { Hono, type Context } from "hono";
import { conversationLabelRequest, labelInput, labelUpdate } from "../../protocol/labels";
import type { AppEnv } from "../app-env";
import { requireAgent } from "../auth/middleware";
import { createLabel, deleteLabel, getLabel, labelsOfConversation, listLabels, updateLabel } from "../db/labels";
import { forbidden, HttpError, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import { labelConversation, unlabelConversation } from "../labels/conversation-labels";
import { conversationForAgent } from "./console-access";

/** Labels: every agent sees them and puts them on threads; only admins create, rename, recolour or delete them. */
export const labelRoutes = new Hono<AppEnv>();

labelRoutes.use("/labels", requireAgent);
labelRoutes.use("/labels/*", requireAgent);

function requireAdmin(c: Context<AppEnv>): void {
  if (c.get("agent").role !== "admin") throw forbidden("only admins manage labels");
}

labelRoutes.get("/labels", async (c) => c.json({ labels: await listLabels(c.env.DB, c.get("workspaceId")) }));

labelRoutes.post("/labels", async (c) => {
  requireAdmin(c);
  const input = await parseBody(c, labelInput);
  return c.json({ label: await createLabel(c.env.DB, c.get("workspaceId"), input) }, 201);
});

async function labelOr404(c: Context<AppEnv>, id: string) {
  const found = await getLabel(c.env.DB, c.get("workspaceId"), id);
  if (!found) throw notFound("label");
  return found;
}

labelRoutes.patch("/labels/:id", async (c) => {
  requireAdmin(c);
  const update = await parseBody(c, labelUpdate);
  const current = await labelOr404(c, c.req.param("id"));
  return c.json({ label: await updateLabel(c.env.DB, c.get("workspaceId"), current, update) });
});

labelRoutes.delete("/labels/:id", async (c) => {
  requireAdmin(c);
  if (!(await deleteLabel(c.env.DB, c.get("workspaceId"), c.req.param("id")))) throw notFound("label");
  return c.body(null, 204);
});

/** The thread's labels after the change, so the console can redraw its chips. */
const labelsNow = (c: Context<AppEnv>, conversationId: string) => labelsOfConversation(c.env.DB, c.get("workspaceId"), conversationId);

labelRoutes.post("/conversations/:id/labels", async (c) => {
  const { labelId } = await parseBody(c, conversationLabelRequest);
  const conversation = await conversationForAgent(c);
  const found = await getLabel(c.env.DB, c.get("workspaceId"), labelId);
  if (!found) throw new HttpError(400, "invalid_request", "labelId: no such label in this workspace");
  await labelConversation(c.env, c.get("workspaceId"), conversation.id, found);
  return c.json({ labels: await labelsNow(c, conversation.id) });
});

labelRoutes.delete("/conversations/:id/labels/:labelId", async (c) => {
  const conversation = await conversationForAgent(c);
  const found = await labelOr404(c, c.req.param("labelId"));
  await unlabelConversation(c.env, c.get("workspaceId"), conversation.id, found);
  return c.json({ labels: await labelsNow(c, conversation.id) });
});
