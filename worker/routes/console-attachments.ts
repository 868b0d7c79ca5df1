import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { storeUpload } from "../attachments/upload";
import { findChannel } from "../db/channels";
import { listAttachments, markAttachmentDeleted } from "../db/console-attachments";
import { HttpError, notFound } from "../http/errors";
import { roomFor } from "../rooms";
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
  const room = roomFor(c.env, conversation.id);
  // Checked before the bytes are stored, so an ended thread does not collect files no message shows.
  if ((await room.snapshot()).status === "ended") throw new HttpError(409, "conversation_ended", "this conversation has ended");
  const { clientId, attachment } = await storeUpload(c, {
    workspaceId: agent.workspaceId,
    conversationId: conversation.id,
    limits: channel.config.attachments,
    uploadedBy: "agent",
  });
  const posted = await room.post(
    { type: "agent", id: agent.id, name: agent.name },
    clientId,
    "",
    attachment,
  );
  if (!posted.ok) throw new HttpError(posted.code === "conversation_ended" ? 409 : 400, posted.code, posted.message);
  return c.json({ message: posted.message }, 201);
});

consoleAttachmentRoutes.delete("/conversations/:id/attachments/:attachmentId", async (c) => {
  const conversation = await conversationForAgent(c);
  const key = await markAttachmentDeleted(c.env.DB, c.get("workspaceId"), conversation.id, c.req.param("attachmentId"));
  if (!key) throw notFound("attachment");
  await c.env.FILES.delete(key);
  return c.body(null, 204);
});
