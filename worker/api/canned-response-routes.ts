import type { Context } from "hono";
import { z } from "zod";
import { cannedResponse, cannedResponseInput, cannedResponseList, cannedResponseQuery, cannedResponseUpdate } from "../../protocol/canned-responses";
import type { AppEnv } from "../app-env";
import { createCannedResponse, deleteCannedResponse, getCannedResponse, listCannedResponses, updateCannedResponse } from "../db/canned-responses";
import { notFound } from "../http/errors";
import { route } from "./route";

const TAG = "Canned responses";
/** An API key speaks for the workspace, not for an agent: it keeps the shared replies, and never sees personal ones. */
const WORKSPACE = { agentId: null };
const sharedInput = cannedResponseInput.omit({ scope: true });
const created = z.object({ cannedResponse });

async function sharedOr404(c: Context<AppEnv>) {
  const found = await getCannedResponse(c.env.DB, c.get("workspaceId"), WORKSPACE, c.req.param("id") ?? "");
  if (!found) throw notFound("canned response");
  return found;
}

export const cannedResponseRoutes = [
  route(
    {
      method: "get",
      path: "/canned-responses",
      summary: "List the shared canned responses, or search their title and body",
      tag: TAG,
      query: cannedResponseQuery,
      success: { status: 200, description: "Shared canned responses; with q, best match first", schema: cannedResponseList },
      errors: [400],
    },
    async (c, { query }) => c.json({ cannedResponses: await listCannedResponses(c.env.DB, c.get("workspaceId"), WORKSPACE, query.q) }),
  ),
  route(
    {
      method: "post",
      path: "/canned-responses",
      summary: "Create a shared canned response",
      tag: TAG,
      body: sharedInput,
      success: { status: 201, description: "The canned response", schema: created },
      errors: [400, 409],
    },
    async (c, { body }) => c.json({ cannedResponse: await createCannedResponse(c.env.DB, c.get("workspaceId"), null, body) }, 201),
  ),
  route(
    {
      method: "get",
      path: "/canned-responses/{id}",
      summary: "Read a shared canned response",
      tag: TAG,
      success: { status: 200, description: "The canned response", schema: created },
      errors: [404],
    },
    async (c) => c.json({ cannedResponse: await sharedOr404(c) }),
  ),
  route(
    {
      method: "patch",
      path: "/canned-responses/{id}",
      summary: "Change a shared canned response's shortcut, title, body or variants",
      tag: TAG,
      body: cannedResponseUpdate,
      success: { status: 200, description: "The canned response", schema: created },
      errors: [400, 404, 409],
    },
    async (c, { body }) => c.json({ cannedResponse: await updateCannedResponse(c.env.DB, c.get("workspaceId"), await sharedOr404(c), body) }),
  ),
  route(
    {
      method: "delete",
      path: "/canned-responses/{id}",
      summary: "Delete a shared canned response",
      tag: TAG,
      success: { status: 204, description: "Deleted" },
      errors: [404],
    },
    async (c) => {
      await deleteCannedResponse(c.env.DB, c.get("workspaceId"), (await sharedOr404(c)).id);
      return c.body(null, 204);
    },
  ),
];
