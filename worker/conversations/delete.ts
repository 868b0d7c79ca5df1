import { deleteConversationFiles } from "../db/console-files";
import { deleteConversationRows } from "../db/console-conversations";
import type { Env } from "../env";
import { lobbyFor, roomFor } from "../rooms";
import { emitEvents } from "../webhooks/emit";

/**
 * Deletes a conversation everywhere it lives, irreversibly: the room's own storage first (so no
 * late alarm copies history back or queues it again), then its place in the channel's queue, the
 * files in R2 and the D1 rows, and tells the webhooks. Used by the console and the API alike, so
 * both leave nothing behind and both emit `conversation.deleted`.
 */
export async function deleteConversation(
  env: Env,
  workspaceId: string,
  conversation: { id: string; channelId: string },
): Promise<void> {
  const { id, channelId } = conversation;
  await roomFor(env, id).destroy();
  await lobbyFor(env, channelId).dequeue(id);
  await deleteConversationFiles(env.FILES, workspaceId, id);
  await deleteConversationRows(env.DB, workspaceId, id);
  await emitEvents(env, workspaceId, [
    { id: `evt_${id}_deleted`, type: "conversation.deleted", orderingKey: id, data: { conversation: { id } } },
  ]);
}
