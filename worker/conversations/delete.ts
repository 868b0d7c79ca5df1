import { deleteConversationFiles } from "../db/console-files";
import { deleteConversationRows } from "../db/console-conversations";
import type { Env } from "../env";
import { roomFor } from "../rooms";
import { emitEvents } from "../webhooks/emit";

/**
 * Deletes a conversation everywhere it lives, irreversibly: the room's own storage first (so no
 * late alarm copies history back), then the files in R2, then the D1 rows. Used by the console
 * and the API alike.
 */
export async function deleteConversation(env: Env, workspaceId: string, conversationId: string): Promise<void> {
  await roomFor(env, conversationId).destroy();
  await deleteConversationFiles(env.FILES, workspaceId, conversationId);
  await deleteConversationRows(env.DB, workspaceId, conversationId);
  await emitEvents(env, workspaceId, [
    {
      id: `evt_${conversationId}_deleted`,
      type: "conversation.deleted",
      orderingKey: conversationId,
      data: { conversation: { id: conversationId } },
    },
  ]);
}
