import type { Context } from "hono";
import { z } from "zod";
import { externalId } from "../../protocol/api-v1";
import { attributeList, attributePatch } from "../../protocol/custom-attributes";
import type { AppEnv } from "../app-env";
import { getContactByExternalId, getConversationResource } from "../db/api-resources";
import { listAttributes, setAttributes, type AttributeSubject } from "../db/custom-attributes";
import { notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { route } from "./route";

/**
 * Custom attributes through the REST API: what the integrator's server says is trusted, so it is
 * stored as verified, like a signed user-token's, and may replace what a page said unverified.
 * A PUT names the keys it changes (null deletes one) and leaves the others alone.
 */
const TAG = "Custom attributes";

async function contactOr404(c: Context<AppEnv>): Promise<string> {
  const key = parseWith(z.object({ externalId }), { externalId: c.req.param("externalId") }).externalId;
  const contact = await getContactByExternalId(c.env.DB, c.get("workspaceId"), key);
  if (!contact) throw notFound("contact");
  return contact.id;
}

async function conversationOr404(c: Context<AppEnv>): Promise<string> {
  const conversation = await getConversationResource(c.env.DB, c.get("workspaceId"), c.req.param("id") ?? "");
  if (!conversation) throw notFound("conversation");
  return conversation.id;
}

function attributeRoutesOf(subject: AttributeSubject, path: string, find: (c: Context<AppEnv>) => Promise<string>, what: string) {
  const list = async (c: Context<AppEnv>, id: string) => c.json({ attributes: await listAttributes(c.env.DB, c.get("workspaceId"), subject, id) });
  return [
    route(
      {
        method: "get",
        path,
        summary: `Read ${what}'s custom attributes, verified and unverified`,
        tag: TAG,
        success: { status: 200, description: "The attributes, by key", schema: attributeList },
        errors: [404],
      },
      async (c) => list(c, await find(c)),
    ),
    route(
      {
        method: "put",
        path,
        summary: `Set ${what}'s custom attributes (null deletes one; keys not named stay)`,
        tag: TAG,
        body: attributePatch,
        success: { status: 200, description: "All the attributes after the change", schema: attributeList },
        errors: [400, 404, 413, 415],
      },
      async (c, { body }) => {
        const id = await find(c);
        await setAttributes(c.env.DB, c.get("workspaceId"), subject, id, body, true);
        return list(c, id);
      },
    ),
  ];
}

export const attributeRoutes = [
  ...attributeRoutesOf("contact", "/contacts/{externalId}/attributes", contactOr404, "a contact"),
  ...attributeRoutesOf("conversation", "/conversations/{id}/attributes", conversationOr404, "a conversation"),
];
