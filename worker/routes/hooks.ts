import { Hono } from "hono";
import { inboundEnvelope, type InboundEnvelope } from "../../protocol/webhooks";
import type { AppEnv } from "../app-env";
import { sha256Hex } from "../auth/encoding";
import { getAgent } from "../db/agents";
import { getAccountByExternalId, getConversationResource } from "../db/api-resources";
import { upsertContactWithEvents } from "../webhooks/contact-events";
import { updateConversationFlags } from "../db/console-conversations";
import { findActiveHook, inboundDeliverySeen, recordInboundDelivery } from "../db/inbound-hooks";
import { HttpError, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { roomFor } from "../rooms";
import { verifySignature } from "../webhooks/signature";

/** Inbound webhooks: platforms that can only send webhooks drive Parley with signed envelopes. */
export const hookRoutes = new Hono<AppEnv>();

hookRoutes.post("/:id", async (c) => {
  const hook = await findActiveHook(c.env.DB, c.req.param("id"));
  if (!hook) throw notFound("hook");
  // Capped at LIMITS.body.inboundHook before this route runs (worker/http/body-limits.ts).
  const raw = await c.req.text();
  const check = await verifySignature(hook.secret, c.req.header("parley-signature"), raw, Math.floor(Date.now() / 1000));
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new HttpError(400, "malformed_json", "the body is not valid JSON");
  }
  const envelope = parseWith(inboundEnvelope, json);
  if (await inboundDeliverySeen(c.env.DB, hook.workspaceId, hook.id, envelope.id)) {
    return c.json({ status: "duplicate", id: envelope.id });
  }
  // Applied first and recorded after, so a crash in between cannot lose it: the sender's retry finds
  // it unrecorded and applies it again, which changes nothing twice (a message is stored once per
  // clientId; an update or upsert sets the same values). A refused delivery is not recorded at all,
  // so the sender can fix it and send it again.
  const applied = await apply(c.env, hook.workspaceId, hook.id, envelope);
  const first = await recordInboundDelivery(c.env.DB, hook.workspaceId, hook.id, envelope.id);
  return c.json({ status: applied && first ? "applied" : "duplicate", id: envelope.id });
});

/**
 * The room's clientId for a delivery's message: derived from the hook and the whole delivery id
 * (up to 128 characters, more than a clientId holds), so ids that share a long prefix never meet.
 */
async function messageClientId(hookId: string, deliveryId: string): Promise<string> {
  return `hook-${(await sha256Hex(`${hookId}:${deliveryId}`)).slice(0, 40)}`;
}

async function conversationOf(env: AppEnv["Bindings"], workspaceId: string, id: string) {
  const conversation = await getConversationResource(env.DB, workspaceId, id);
  if (!conversation) throw new HttpError(404, "not_found", "data.conversationId: no such conversation");
  return conversation;
}

/** Applies a delivery; false when it was a message the room already had (a retry's). */
async function apply(env: AppEnv["Bindings"], workspaceId: string, hookId: string, e: InboundEnvelope): Promise<boolean> {
  switch (e.type) {
    case "message.create": {
      const conversation = await conversationOf(env, workspaceId, e.data.conversationId);
      const agent = e.data.author === "agent" && conversation.agentId ? await getAgent(env.DB, workspaceId, conversation.agentId) : null;
      const author =
        e.data.author === "customer"
          ? { type: "visitor" as const, id: null, name: conversation.contact.name }
          : { type: "agent" as const, id: agent?.id ?? null, name: e.data.authorName ?? agent?.name ?? "Support" };
      const posted = await roomFor(env, conversation.id).post(author, await messageClientId(hookId, e.id), e.data.body, undefined, true);
      if (!posted.ok) {
        // The room's own limits (a flood of messages into one conversation) say when to come back.
        const wait = posted.retryAfterMs && { "Retry-After": String(Math.ceil(posted.retryAfterMs / 1000)) };
        throw wait ? new HttpError(429, posted.code, posted.message, wait) : new HttpError(409, posted.code, posted.message);
      }
      return !posted.duplicate;
    }
    case "conversation.update": {
      await conversationOf(env, workspaceId, e.data.conversationId);
      if (e.data.status === "ended") await roomFor(env, e.data.conversationId).end({ role: "agent", id: null, name: "Support" });
      if (e.data.archived !== undefined) await updateConversationFlags(env.DB, workspaceId, e.data.conversationId, { archived: e.data.archived });
      return true;
    }
    case "contact.upsert": {
      const account = e.data.accountExternalId ? await getAccountByExternalId(env.DB, workspaceId, e.data.accountExternalId) : null;
      if (e.data.accountExternalId && !account) throw new HttpError(400, "invalid_request", "data.accountExternalId: no such account");
      await upsertContactWithEvents(env, workspaceId, e.data.externalId, { name: e.data.name, email: e.data.email, accountId: account?.id ?? null });
      return true;
    }
  }
}
