import { revokeVisitorTokens } from "../db/visitor-tokens";
import { notFound } from "../http/errors";
import { roomFor } from "../rooms";
import { route } from "./route";

/**
 * Revoking a conversation's visitor tokens: for a token that leaked (a shared screenshot, a shared
 * computer). The browser that held it is told its conversation is gone and offers a new one.
 */
export const visitorTokenRoutes = [
  route(
    {
      method: "post",
      path: "/conversations/{id}/revoke-visitor-tokens",
      summary: "Revoke every visitor token of a conversation: the widget that held one can no longer open it",
      tag: "Conversations",
      success: { status: 204, description: "Revoked; tokens signed from now on (a verified customer's threads) work" },
      errors: [404],
    },
    async (c) => {
      const id = c.req.param("id") ?? "";
      if (!(await revokeVisitorTokens(c.env.DB, c.get("workspaceId"), id))) throw notFound("conversation");
      // A socket already open was let in by a token that is now refused: it goes too.
      await roomFor(c.env, id).revokeVisitorSockets();
      return c.body(null, 204);
    },
  ),
];
