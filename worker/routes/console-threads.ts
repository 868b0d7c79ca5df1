import { Hono, type Context } from "hono";
import {
  agentStartRequest,
  conversationUpdate,
  notifyAdminsRequest,
  transcriptRequest,
  type OriginalEmailResponse,
} from "../../protocol/console";
import type { AppEnv } from "../app-env";
import { getAgent } from "../db/agents";
import { requireSwitchedOn } from "../channels/channel-switch";
import { findChannel } from "../db/channels";
import { startConversation } from "../conversations/start";
import { deleteConversation } from "../conversations/delete";
import { TRANSCRIPT_TEXT_HEADERS, transcriptStream } from "../conversations/transcript-text";
import { updateConversationFlags } from "../db/console-conversations";
import { originalEmail } from "../db/inbound-emails";
import { getConversationDetail } from "../db/inbox";
import { queueEmail } from "../email/outbox";
import { transcriptEmailData } from "../email/transcript-email";
import { forbidden, HttpError, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import { roomFor } from "../rooms";
import { checkMessageLength } from "../visitors/prechat";
import { conversationForAgent } from "./console-access";
import { assignConversation, notifyAdmins } from "./console-thread-actions";

/** What an agent does to a thread besides writing in it: start, status, assign, archive, end, email, alert, delete. */
export const threadRoutes = new Hono<AppEnv>();

async function workspaceAgent(c: Context<AppEnv>, agentId: string) {
  const found = await getAgent(c.env.DB, c.get("workspaceId"), agentId);
  if (!found) throw new HttpError(400, "invalid_request", "responsibleAgentId: no such agent in this workspace");
  return found;
}

async function detailOf(c: Context<AppEnv>, conversationId: string) {
  const agent = c.get("agent");
  const detail = await getConversationDetail(c.env.DB, agent.workspaceId, agent.id, conversationId);
  if (!detail) throw notFound("conversation");
  return detail;
}

threadRoutes.post("/conversations", async (c) => {
  const input = await parseBody(c, agentStartRequest);
  const agent = c.get("agent");
  const channel = await findChannel(c.env.DB, agent.workspaceId, input.channelId);
  if (!channel) throw new HttpError(400, "invalid_request", "channelId: no such channel in this workspace");
  requireSwitchedOn(channel);
  checkMessageLength(channel.config, input.message.body);
  const responsible = input.responsibleAgentId ? await workspaceAgent(c, input.responsibleAgentId) : agent;
  // The first message is the starting agent's own; responsibility can go to a colleague.
  const conversation = await startConversation(c.env, {
    channel,
    contact: input.contact,
    subject: input.subject,
    message: input.message,
    agent: { id: agent.id, name: agent.name },
    responsible: { id: responsible.id, name: responsible.name },
  });
  if (input.attention !== "attentive") {
    await updateConversationFlags(c.env.DB, agent.workspaceId, conversation.id, { attention: input.attention });
  }
  const detail = await detailOf(c, conversation.id);
  const notified = input.notifyAdmins ? await notifyAdmins(c.env, agent, detail, input.notifyAdmins.note, new URL(c.req.url).origin) : 0;
  return c.json({ conversation: detail, notified }, 201);
});

threadRoutes.patch("/conversations/:id", async (c) => {
  const update = await parseBody(c, conversationUpdate);
  const conversation = await conversationForAgent(c);
  const { workspaceId } = c.get("agent");
  if (update.responsibleAgentId) {
    await assignConversation(c.env, workspaceId, conversation.id, await workspaceAgent(c, update.responsibleAgentId));
  }
  if (update.attention !== undefined || update.archived !== undefined) {
    await updateConversationFlags(c.env.DB, workspaceId, conversation.id, update);
  }
  return c.json({ conversation: await detailOf(c, conversation.id) });
});

threadRoutes.post("/conversations/:id/end", async (c) => {
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  const result = await roomFor(c.env, conversation.id).end({ role: "agent", id: agent.id, name: agent.name });
  if (!result.ok) throw new HttpError(409, result.code, result.message);
  return c.body(null, 204);
});

threadRoutes.post("/conversations/:id/transcript", async (c) => {
  const input = await parseBody(c, transcriptRequest);
  const conversation = await conversationForAgent(c);
  const to = input.to ?? conversation.contact.email;
  const room = roomFor(c.env, conversation.id);
  const { lastSeq } = await room.snapshot();
  // Asking again before anything new was written sends nothing new.
  await queueEmail(
    c.env,
    {
      workspaceId: c.get("workspaceId"),
      to,
      locale: conversation.locale ?? "en",
      idempotencyKey: `console-transcript:${conversation.id}:${lastSeq}:${to.toLowerCase()}`,
    },
    {
      template: "transcript",
      data: await transcriptEmailData(conversation.id, conversation.subject, lastSeq, (since, limit) => room.history(since, limit)),
    },
  );
  return c.json({ to });
});

/**
 * The whole thread as text, streamed page by page: the request note shows only its first lines.
 * Private notes only with `?notes=true`, as in print: the text is often handed on to the customer.
 */
threadRoutes.get("/conversations/:id/transcript.txt", async (c) => {
  const conversation = await conversationForAgent(c);
  const room = roomFor(c.env, conversation.id);
  const notes = c.req.query("notes") === "true";
  return new Response(transcriptStream((since) => room.history(since, undefined, notes)), { headers: TRANSCRIPT_TEXT_HEADERS });
});

/** What the customer's email said in full, quoted history and signature included, for a message that came by email. */
threadRoutes.get("/conversations/:id/emails/:clientId", async (c) => {
  const conversation = await conversationForAgent(c);
  const email = await originalEmail(c.env.DB, c.get("workspaceId"), conversation.id, c.req.param("clientId"));
  if (!email) throw notFound("email");
  return c.json({ email } satisfies OriginalEmailResponse);
});

threadRoutes.post("/conversations/:id/notify-admins", async (c) => {
  const { note } = await parseBody(c, notifyAdminsRequest);
  const conversation = await conversationForAgent(c);
  return c.json({ notified: await notifyAdmins(c.env, c.get("agent"), conversation, note, new URL(c.req.url).origin) });
});

/** Irreversible, so for admins only; the console and the API delete the same way (worker/conversations/delete.ts). */
threadRoutes.delete("/conversations/:id", async (c) => {
  const agent = c.get("agent");
  if (agent.role !== "admin") throw forbidden("only admins can delete conversations");
  const conversation = await conversationForAgent(c);
  await deleteConversation(c.env, agent.workspaceId, conversation);
  return c.body(null, 204);
});
