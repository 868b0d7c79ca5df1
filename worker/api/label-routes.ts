import type { Context } from "hono";
import { z } from "zod";
import { conversationLabelRequest, label, labelInput, labelList } from "../../protocol/labels";
import type { AppEnv } from "../app-env";
import { getConversationResource } from "../db/api-resources";
import { createLabel, getLabel, labelsOfConversation, listLabels } from "../db/labels";
import { HttpError, notFound } from "../http/errors";
import { labelConversation, unlabelConversation } from "../labels/conversation-labels";
import { route } from "./route";

const TAG = "Labels";

async function conversationId(c: Context<AppEnv>): Promise<string> {
  const found = await getConversationResource(c.env.DB, c.get("workspaceId"), c.req.param("id") ?? "");
  if (!found) throw notFound("conversation");
  return found.id;
}

const labelsNow = async (c: Context<AppEnv>, id: string) => c.json({ labels: await labelsOfConversation(c.env.DB, c.get("workspaceId"), id) });

export const labelRoutes = [
  route(
    {
      method: "get",
      path: "/labels",
      summary: "List the workspace's labels",
      tag: TAG,
      success: { status: 200, description: "Labels by name", schema: labelList },
    },
    async (c) => c.json({ labels: await listLabels(c.env.DB, c.get("workspaceId")) }),
  ),
  route(
    {
      method: "post",
      path: "/labels",
      summary: "Create a label",
      tag: TAG,
      body: labelInput,
      success: { status: 201, description: "The label", schema: z.object({ label }) },
      errors: [400, 409],
    },
    async (c, { body }) => c.json({ label: await createLabel(c.env.DB, c.get("workspaceId"), body) }, 201),
  ),
  route(
    {
      method: "get",
      path: "/conversations/{id}/labels",
      summary: "List a conversation's labels",
      tag: TAG,
      success: { status: 200, description: "The conversation's labels", schema: labelList },
      errors: [404],
    },
    async (c) => labelsNow(c, await conversationId(c)),
  ),
  route(
    {
      method: "post",
      path: "/conversations/{id}/labels",
      summary: "Label a conversation (again is harmless); emits conversation.labeled once",
      tag: TAG,
      body: conversationLabelRequest,
      success: { status: 200, description: "The conversation's labels now", schema: labelList },
      errors: [400, 404, 409],
    },
    async (c, { body }) => {
      const id = await conversationId(c);
      const found = await getLabel(c.env.DB, c.get("workspaceId"), body.labelId);
      if (!found) throw new HttpError(400, "invalid_request", "labelId: no such label in this workspace");
      await labelConversation(c.env, c.get("workspaceId"), id, found);
      return labelsNow(c, id);
    },
  ),
  route(
    {
      method: "delete",
      path: "/conversations/{id}/labels/{labelId}",
      summary: "Take a label off a conversation; emits conversation.unlabeled if it had it",
      tag: TAG,
      success: { status: 200, description: "The conversation's labels now", schema: labelList },
      errors: [404],
    },
    async (c) => {
      const id = await conversationId(c);
      const found = await getLabel(c.env.DB, c.get("workspaceId"), c.req.param("labelId") ?? "");
      if (!found) throw notFound("label");
      await unlabelConversation(c.env, c.get("workspaceId"), id, found);
      return labelsNow(c, id);
    },
  ),
];
