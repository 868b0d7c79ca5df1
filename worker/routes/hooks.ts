import { Hono } from "hono";
import { inboundEnvelope, type InboundEnvelope } from "../../protocol/webhooks";
import type { AppEnv } from "../app-env";
import { getAgent } from "../db/agents";
import { getAccountByExternalId, getConversationResource, upsertContact } from "../db/api-resources";
import { updateConversationFlags } from "../db/console-conversations";
import { claimInboundDelivery, findActiveHook, releaseInboundDelivery } from "../db/inbound-hooks";
import { HttpError, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { roomFor } from "../rooms";
import { verifySignature } from "../webhooks/signature";

/** Inbound webhooks: platforms that can only send webhooks drive Parley with signed envelopes. */
export const hookRoutes = new Hono<AppEnv>();

const MAX_BODY = 64 * 1024;

hookRoutes.post("/:id", async (c) => {
  const hook = await findActiveHook(c.env.DB, c.req.param("id"));
  if (!hook) throw notFound("hook");
  const raw = await c.req.text();
  if (raw.length > MAX_BODY) throw new HttpError(413, "payload_too_large", `the body is larger than ${MAX_BODY} bytes`);
  const check = await verifySignature(hook.secret, c.req.header("parley-signature"), raw, Math.floor(Date.now() / 1000));
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new HttpError(400, "malformed_json", "the body is not valid JSON");
  }
  const envelope = parseWith(inboundEnvelope, json);
  if (!(await claimInboundDelivery(c.env.DB, hook.workspaceId, hook.id, envelope.id))) {
    return c.json({ status: "duplicate", id: envelope.id });
  }
  try {
    await apply(c.env, hook.workspaceId, envelope);
  } catch (err) {
    // A refused delivery changed nothing: free its id so the sender can fix it and send again.
    await releaseInboundDelivery(c.env.DB, hook.workspaceId, hook.id, envelope.id);
    throw err;
  }
  return c.json({ status: "applied", id: envelope.id });
});

async function conversationOf(env: AppEnv["Bindings"], workspaceId: string, id: string) {
  const conversation = await getConversationResource(env.DB, workspaceId, id);
  if (!conversation) throw new HttpError(404, "not_found", "data.conversationId: no such conversation");
  return conversation;
}

async function apply(env: AppEnv["Bindings"], workspaceId: string, e: InboundEnvelope): Promise<void> {
  switch (e.type) {
    case "message.create": {
      const conversation = await conversationOf(env, workspaceId, e.data.conversationId);
      const agent = e.data.author === "agent" && conversation.agentId ? await getAgent(env.DB, workspaceId, conversation.agentId) : null;
      const author =
        e.data.author === "customer"
          ? { type: "visitor" as const, id: null, name: conversation.contact.name }
          : { type: "agent" as const, id: agent?.id ?? null, name: e.data.authorName ?? agent?.name ?? "Support" };
      // The delivery id is the message's clientId too, so the room also stores it once.
      const posted = await roomFor(env, conversation.id).post(author, `hook-${e.id}`.slice(0, 64), e.data.body);
      if (!posted.ok) throw new HttpError(409, posted.code, posted.message);
      return;
    }
    case "conversation.update": {
      await conversationOf(env, workspaceId, e.data.conversationId);
      if (e.data.status === "ended") await roomFor(env, e.data.conversationId).end({ role: "agent", id: null, name: "Support" });
      if (e.data.archived !== undefined) await updateConversationFlags(env.DB, workspaceId, e.data.conversationId, { archived: e.data.archived });
      return;
    }
    case "contact.upsert": {
      const account = e.data.accountExternalId ? await getAccountByExternalId(env.DB, workspaceId, e.data.accountExternalId) : null;
      if (e.data.accountExternalId && !account) throw new HttpError(400, "invalid_request", "data.accountExternalId: no such account");
      await upsertContact(env.DB, workspaceId, e.data.externalId, { name: e.data.name, email: e.data.email, accountId: account?.id ?? null });
    }
  }
}
