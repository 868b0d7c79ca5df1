// Compiled by `npm run typecheck`, never run: the client's types follow the API's schemas.
import type { ParleyClient, Resource, WebhookPayload } from "../../sdk/src/index.js";

export async function typedCalls(parley: ParleyClient) {
  const { data } = await parley.GET("/conversations/{id}", { params: { path: { id: "cv_1" } } });
  const status: "queued" | "active" | "ended" | undefined = data?.status;
  // @ts-expect-error: a path parameter is required
  await parley.GET("/conversations/{id}", {});
  // @ts-expect-error: author is "agent" or "customer"
  await parley.POST("/conversations/{id}/messages", { params: { path: { id: "cv_1" } }, body: { body: "x", author: "bot" } });
  return status;
}

export const conversationId = (c: Resource<"getConversationsById">): string => c.id;
export const eventOf = (p: WebhookPayload<"message.created">): string => p.type;
