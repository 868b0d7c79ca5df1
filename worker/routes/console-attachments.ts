import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { postUpload } from "../attachments/upload";
import { findChannel } from "../db/channels";
import { listAttachments, markAttachmentDeleted } from "../db/console-attachments";
import { notFound } from "../http/errors";
import { conversationForAgent } from "./console-access";

/** A thread's files as agents see them: list, add (as a message), delete for good. */
export const consoleAttachmentRoutes = new Hono<AppEnv>();

consoleAttachmentRoutes.get("/conversations/:id/attachments", async (c) => {
  const conversation = await conversationForAgent(c);
  return c.json({ attachments: await listAttachments(c.env.DB, c.get("workspaceId"), conversation.id) });
});

consoleAttachmentRoutes.post("/conversations/:id/attachments", async (c) => {
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  const channel = await findChannel(c.env.DB, agent.workspaceId, conversation.channelId);
  if (!channel) throw notFound("conversation");
  const message = await postUpload(c, {
    workspaceId: agent.workspaceId,
    conversationId: conversation.id,
    limits: channel.config.attachments,
    author: { type: "agent", id: agent.id, name: agent.name },
  });
  return c.json({ message }, 201);
});

consoleAttachmentRoutes.delete("/conversations/:id/attachments/:attachmentId", async (c) => {
  const conversation = await conversationForAgent(c);
  const key = await markAttachmentDeleted(c.env.DB, c.get("workspaceId"), conversation.id, c.req.param("attachmentId"));
  if (!key) throw notFound("attachment");
  await c.env.FILES.delete(key);
  return c.body(null, 204);
});
