import type { Context } from "hono";
import {
  conversationPage,
  conversationResource,
  createConversationBody,
  listConversationsQuery,
  listMessagesQuery,
  messagePage,
  postMessageBody,
  transcriptQuery,
  transcriptResource,
  transcriptTextQuery,
  updateConversationBody,
} from "../../protocol/api-v1";
import { attributeFilterQuery, attributeParams } from "../../protocol/custom-attributes";
import { messageSchema } from "../../protocol/frames";
import type { AppEnv } from "../app-env";
import { startConversation, subjectOf } from "../conversations/start";
import { teamMemberIds } from "../db/admin-teams";
import { getAgent } from "../db/agents";
import { decodeCursor, findFirstChannelId, getConversationResource, listConversationResources } from "../db/api-resources";
import { requireSwitchedOn } from "../channels/channel-switch";
import { findChannel } from "../db/channels";
import { setResponsibleAgent, updateConversationFlags } from "../db/console-conversations";
import { HttpError, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { roomFor } from "../rooms";
import { emitEvents } from "../webhooks/emit";
import { checkMessageLength } from "../visitors/prechat";
import { route } from "./route";
import { deleteConversation } from "../conversations/delete";
import { TRANSCRIPT_TEXT_HEADERS, transcriptLine, transcriptStream } from "../conversations/transcript-text";

const TAG = "Conversations";

/**
 * The conversation as its room sees it now: D1 receives the room's state on the room's next alarm,
 * so a read right after a change overlays the live status, agent and feedback.
 */
async function conversationOr404(c: Context<AppEnv>, id: string) {
  const conversation = await getConversationResource(c.env.DB, c.get("workspaceId"), id);
  if (!conversation) throw notFound("conversation");
  const live = await roomFor(c.env, id).snapshot();
  return { ...conversation, status: live.status, agentId: live.agent?.id ?? conversation.agentId, feedback: live.feedback };
}

async function agentOr400(c: Context<AppEnv>, agentId: string) {
  const agent = await getAgent(c.env.DB, c.get("workspaceId"), agentId);
  if (!agent) throw new HttpError(400, "invalid_request", "agentId: no such agent in this workspace");
  return agent;
}

/**
 * A page of messages and, when more follow, where the next starts. The room hands out at most
 * HISTORY_PAGE_SIZE at once, so asking it for one more than `limit` could never show that more
 * follow a full page of 200: a full page asks the room for the one message after it instead.
 */
async function messagePageOf(c: Context<AppEnv>, conversationId: string, since: number, limit: number, notes = true) {
  const room = roomFor(c.env, conversationId);
  const messages = (await room.history(since, limit, notes)).map((m) => ({ ...m, visibility: m.visibility ?? ("public" as const) }));
  const last = messages.at(-1);
  const more = last !== undefined && messages.length === limit && (await room.history(last.seq, 1, notes)).length > 0;
  return { messages, nextSince: more ? last.seq : null };
}

export const conversationRoutes = [
  route(
    {
      method: "get",
      path: "/conversations",
      summary: "List conversations, newest activity first; attribute.<key>=<value> keeps those whose own or contact's custom attribute matches",
      tag: TAG,
      query: listConversationsQuery,
      success: { status: 200, description: "A page of conversations", schema: conversationPage },
      errors: [400],
    },
    async (c, { query }) => {
      const after = decodeCursor(query.cursor);
      if (after === "invalid") throw new HttpError(400, "invalid_request", "cursor: not a cursor this API gave out");
      const attributes = parseWith(attributeFilterQuery, attributeParams(c.req.query()));
      return c.json(
        await listConversationResources(c.env.DB, c.get("workspaceId"), {
          status: query.status,
          archived: query.archived,
          contactExternalId: query.contactExternalId,
          attributes,
          limit: query.limit,
          after,
        }),
      );
    },
  ),
  route(
    {
      method: "post",
      path: "/conversations",
      summary: "Start a conversation for a customer, or a staff-initiated thread",
      tag: TAG,
      body: createConversationBody,
      success: { status: 201, description: "The new conversation", schema: conversationResource },
      errors: [400, 403, 404, 409],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      const channelId = await findFirstChannelId(c.env.DB, workspaceId, body.channel);
      const channel = channelId ? await findChannel(c.env.DB, workspaceId, channelId) : null;
      if (!channel) throw new HttpError(400, "invalid_request", body.channel ? "channel: no such channel" : "channel: this workspace has no channel yet");
      requireSwitchedOn(channel);
      checkMessageLength(channel.config, body.message, "message");
      const agent = body.initiatedBy === "agent" && body.agentId ? await agentOr400(c, body.agentId) : undefined;
      if (body.assignedAgentId) await agentOr400(c, body.assignedAgentId);
      let teamAgentIds: string[] | null = null;
      if (body.assignedTeamId) {
        if (!channel.config.allowTeamRouting) {
          throw new HttpError(400, "invalid_request", "assignedTeamId: this channel does not route to teams; turn on team routing for it");
        }
        teamAgentIds = await teamMemberIds(c.env.DB, workspaceId, body.assignedTeamId);
        if (!teamAgentIds) throw new HttpError(400, "invalid_request", "assignedTeamId: no such team in this workspace");
      }
      const started = await startConversation(c.env, {
        routing: { assignedAgentId: body.assignedAgentId ?? null, teamAgentIds },
        channel,
        contact: body.contact,
        subject: body.subject ?? subjectOf(body.message),
        message: { clientId: `api-${crypto.randomUUID()}`, body: body.message },
        agent: agent ? { id: agent.id, name: agent.name } : undefined,
      });
      if (body.attention) await updateConversationFlags(c.env.DB, workspaceId, started.id, { attention: body.attention });
      return c.json(await conversationOr404(c, started.id), 201);
    },
  ),
  route(
    {
      method: "get",
      path: "/conversations/{id}",
      summary: "Read a conversation",
      tag: TAG,
      success: { status: 200, description: "The conversation", schema: conversationResource },
      errors: [404],
    },
    async (c) => c.json(await conversationOr404(c, c.req.param("id")!)),
  ),
  route(
    {
      method: "patch",
      path: "/conversations/{id}",
      summary: "End, archive, assign or mark a conversation",
      tag: TAG,
      body: updateConversationBody,
      success: { status: 200, description: "The updated conversation", schema: conversationResource },
      errors: [400, 404, 409],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      const conversation = await conversationOr404(c, c.req.param("id")!);
      const room = roomFor(c.env, conversation.id);
      if (body.agentId) {
        const agent = await agentOr400(c, body.agentId);
        await room.assign({ id: agent.id, name: agent.name });
        await setResponsibleAgent(c.env.DB, workspaceId, conversation.id, agent.id);
      }
      if (body.status === "ended" && conversation.status !== "ended") {
        const ended = await room.end({ role: "agent", id: null, name: "Support" });
        if (!ended.ok) throw new HttpError(409, ended.code, ended.message);
      }
      if (body.attention !== undefined || body.archived !== undefined) {
        await updateConversationFlags(c.env.DB, workspaceId, conversation.id, body);
      }
      if (body.archived === true && !conversation.archived) {
        await emitEvents(c.env, workspaceId, [
          { id: `evt_${conversation.id}_archived_${Date.now()}`, type: "conversation.archived", orderingKey: conversation.id, data: { conversation: { id: conversation.id } } },
        ]);
      }
      return c.json(await conversationOr404(c, conversation.id));
    },
  ),
  route(
    {
      method: "delete",
      path: "/conversations/{id}",
      summary: "Delete a conversation with its messages and files, irreversibly",
      tag: TAG,
      success: { status: 204, description: "Deleted" },
      errors: [404],
    },
    async (c) => {
      const conversation = await conversationOr404(c, c.req.param("id")!);
      await deleteConversation(c.env, c.get("workspaceId"), conversation);
      return c.body(null, 204);
    },
  ),
  route(
    {
      method: "get",
      path: "/conversations/{id}/messages",
      summary: "List messages in order, from a sequence number on",
      tag: TAG,
      query: listMessagesQuery,
      success: { status: 200, description: "Messages after `since`; follow `nextSince` for the next page", schema: messagePage },
      errors: [400, 404],
    },
    async (c, { query }) => {
      const conversation = await conversationOr404(c, c.req.param("id")!);
      return c.json(await messagePageOf(c, conversation.id, query.since, query.limit));
    },
  ),
  route(
    {
      method: "post",
      path: "/conversations/{id}/messages",
      summary: "Post a message as an agent or as the customer, or a private note as an agent",
      tag: TAG,
      body: postMessageBody,
      success: { status: 201, description: "The stored message", schema: messageSchema },
      errors: [400, 404, 409],
    },
    async (c, { body }) => {
      const conversation = await conversationOr404(c, c.req.param("id")!);
      const channel = await findChannel(c.env.DB, c.get("workspaceId"), conversation.channelId);
      if (channel) checkMessageLength(channel.config, body.body, "body");
      const agentId = body.agentId ?? conversation.agentId;
      const agent = body.author === "agent" && agentId ? await agentOr400(c, agentId) : null;
      const author =
        body.author === "customer"
          ? { type: "visitor" as const, id: null, name: conversation.contact.name }
          : { type: "agent" as const, id: agent?.id ?? null, name: agent?.name ?? "Support" };
      // An integrator's posts are paced by the integrator rate, not a person's typing speed.
      const note = body.visibility === "note" ? { visibility: body.visibility, mentions: body.mentions } : undefined;
      const posted = await roomFor(c.env, conversation.id).post(author, body.clientId ?? `api-${crypto.randomUUID()}`, body.body, undefined, true, note);
      if (!posted.ok) throw new HttpError(posted.code === "conversation_ended" ? 409 : 400, posted.code, posted.message);
      return c.json(posted.message, 201);
    },
  ),
  route(
    {
      method: "get",
      path: "/conversations/{id}/transcript",
      summary: "The conversation as a transcript, a page at a time (the agents' private notes only with notes=true)",
      tag: TAG,
      query: transcriptQuery,
      success: { status: 200, description: "Messages after `since`, and the same as text; follow `nextSince` for the rest", schema: transcriptResource },
      errors: [400, 404],
    },
    async (c, { query }) => {
      const conversation = await conversationOr404(c, c.req.param("id")!);
      const page = await messagePageOf(c, conversation.id, query.since, query.limit, query.notes);
      const text = page.messages.map(transcriptLine).join("\n");
      return c.json({ conversationId: conversation.id, subject: conversation.subject, ...page, text });
    },
  ),
  route(
    {
      method: "get",
      path: "/conversations/{id}/transcript.txt",
      summary: "The whole conversation as text/plain, one line per message, streamed (private notes only with notes=true)",
      tag: TAG,
      query: transcriptTextQuery,
      success: { status: 200, description: "text/plain; charset=utf-8, streamed as it is read" },
      errors: [404],
    },
    async (c, { query }) => {
      const conversation = await conversationOr404(c, c.req.param("id")!);
      const room = roomFor(c.env, conversation.id);
      return new Response(transcriptStream((since) => room.history(since, undefined, query.notes)), { headers: TRANSCRIPT_TEXT_HEADERS });
    },
  ),
];
