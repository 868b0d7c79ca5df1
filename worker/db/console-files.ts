/** Removes every R2 object of a conversation: uploads are stored under `<workspace>/<conversation>/`. */
export async function deleteConversationFiles(files: R2Bucket, workspaceId: string, conversationId: string): Promise<void> {
  const prefix = `${workspaceId}/${conversationId}/`;
  let cursor: string | undefined;
  do {
    const page = await files.list({ prefix, ...(cursor ? { cursor } : {}) });
    if (page.objects.length > 0) await files.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
