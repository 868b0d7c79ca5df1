import type { Label } from "../../protocol/labels";
import { addConversationLabel, removeConversationLabel } from "../db/labels";
import type { Env } from "../env";
import { emitEvents } from "../webhooks/emit";

/**
 * Labels and unlabels a conversation the caller has found in its workspace, and tells webhooks
 * only when something changed. The event id carries the time, so labelling again after removing
 * the label is a new event; the ordering key keeps a conversation's events in order.
 */
export async function labelConversation(env: Env, workspaceId: string, conversationId: string, label: Label): Promise<boolean> {
  const added = await addConversationLabel(env.DB, workspaceId, conversationId, label.id);
  if (added) await emitLabelEvent(env, workspaceId, conversationId, label, "conversation.labeled");
  return added;
}

export async function unlabelConversation(env: Env, workspaceId: string, conversationId: string, label: Label): Promise<boolean> {
  const removed = await removeConversationLabel(env.DB, workspaceId, conversationId, label.id);
  if (removed) await emitLabelEvent(env, workspaceId, conversationId, label, "conversation.unlabeled");
  return removed;
}

function emitLabelEvent(env: Env, workspaceId: string, conversationId: string, label: Label, type: "conversation.labeled" | "conversation.unlabeled") {
  const at = Date.now();
  return emitEvents(env, workspaceId, [
    {
      id: `evt_${conversationId}_${type === "conversation.labeled" ? "labeled" : "unlabeled"}_${label.id}_${at}`,
      type,
      orderingKey: conversationId,
      createdAt: at,
      data: { conversation: { id: conversationId }, label },
    },
  ]);
}
