import { loginLinkBody, loginLinkResponse, type LoginLinkResponse } from "../../protocol/login-links";
import { randomToken } from "../auth/encoding";
import { createAgent } from "../db/admin-agents";
import { storeLoginLink, workspaceAgentByEmail } from "../db/login-links";
import { notFound } from "../http/errors";
import { route } from "./route";

/**
 * Single sign-on from a host platform: its server asks for a link for one of its users and sends
 * the browser there, so "Open in Parley" needs no second password. A platform that provisions its
 * users passes `create` and the agent is made on first use (with a random password nobody knows;
 * an admin can set one later).
 */
export const loginLinkRoutes = [
  route(
    {
      method: "post",
      path: "/login-links",
      summary: "Create a one-time link that signs an agent into the console",
      tag: "Single sign-on",
      body: loginLinkBody,
      success: { status: 201, description: "The link, valid once for a few minutes", schema: loginLinkResponse },
      errors: [400, 404, 409],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      let agent = await workspaceAgentByEmail(c.env.DB, workspaceId, body.email);
      let created = false;
      if (!agent) {
        if (!body.create || !body.name) throw notFound("agent (pass create and name to provision them)");
        const made = await createAgent(c.env.DB, workspaceId, { name: body.name, email: body.email, role: body.role, password: randomToken(24) });
        agent = { id: made.id, email: made.email, name: made.name };
        created = true;
      }
      const token = randomToken(32);
      const expiresAt = await storeLoginLink(c.env.DB, token, { workspaceId, agentId: agent.id, conversationId: body.conversationId ?? null });
      const url = `${new URL(c.req.url).origin}/console/login?token=${token}`;
      return c.json({ url, expiresAt, agent: { ...agent, created } } satisfies LoginLinkResponse, 201);
    },
  ),
];
