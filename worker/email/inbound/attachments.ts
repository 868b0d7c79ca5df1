import type { Email } from "postal-mime";
import type { Attachment } from "../../../protocol/frames";
import { cleanFileName } from "../../attachments/file-name";
import { typeAllowed } from "../../attachments/upload";
import { forgetAttachment, recordAttachment } from "../../db/attachments";
import { findChannel } from "../../db/channels";
import { newId } from "../../db/ids";
import type { Env } from "../../env";

export type StoredFile = { clientId: string; attachment: Attachment; discard: () => Promise<void> };

type Target = { workspaceId: string; conversationId: string; channelId: string; uploadedBy: "visitor" | "agent" };

/**
 * The files of an emailed reply, stored in R2 within the channel's limits (type and size; files
 * past them are left out, as the widget would refuse them), each under a key of its own, to be
 * posted as messages after the text. Inline images that only decorate a signature are skipped.
 * `discard` removes a file the room then refuses or already has.
 */
export async function storeEmailAttachments(env: Env, target: Target, mail: Email, clientId: string): Promise<StoredFile[]> {
  const channel = await findChannel(env.DB, target.workspaceId, target.channelId);
  if (!channel) return [];
  const limits = channel.config.attachments;
  const stored: StoredFile[] = [];
  for (const [i, file] of mail.attachments.entries()) {
    if (file.related || file.disposition === "inline") continue;
    const bytes = typeof file.content === "string" ? new TextEncoder().encode(file.content) : new Uint8Array(file.content);
    const contentType = file.mimeType.toLowerCase();
    if (bytes.byteLength === 0 || bytes.byteLength > limits.maxBytes || !typeAllowed(contentType, limits.types)) continue;
    const id = newId("att");
    const key = `${target.workspaceId}/${target.conversationId}/${id}`;
    const name = cleanFileName(file.filename ?? `attachment-${i + 1}`);
    await env.FILES.put(key, bytes, { httpMetadata: { contentType } });
    await recordAttachment(env.DB, { ...target, id, key, name, contentType, size: bytes.byteLength });
    stored.push({
      clientId: `${clientId.slice(0, 56)}-f${i}`,
      attachment: { id, name, contentType, size: bytes.byteLength, url: `/api/attachments/${target.conversationId}/${id}` },
      discard: async () => {
        await env.FILES.delete(key);
        await forgetAttachment(env.DB, target.workspaceId, target.conversationId, id);
      },
    });
  }
  return stored;
}
