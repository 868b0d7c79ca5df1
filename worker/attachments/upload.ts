import type { Context } from "hono";
import { z } from "zod";
import type { ChannelConfig } from "../../protocol/channel";
import { clientId as clientIdSchema, type Attachment, type Author, type Message } from "../../protocol/frames";
import type { AppEnv } from "../app-env";
import { sha256Hex } from "../auth/encoding";
import { forgetAttachment, recordAttachment } from "../db/attachments";
import { HttpError } from "../http/errors";
import { parseWith } from "../http/validate";
import { roomFor } from "../rooms";

const uploadHeaders = z.object({
  clientId: clientIdSchema,
  fileName: z.string().trim().min(1, "x-parley-filename is required").max(200, "a file name is at most 200 characters"),
  contentType: z.string().min(1, "content-type is required"),
});

export function typeAllowed(contentType: string, patterns: string[]): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return patterns.some((p) => (p.endsWith("/*") ? type.startsWith(p.slice(0, -1)) : type === p.toLowerCase()));
}

function decodeName(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? "");
  } catch {
    throw new HttpError(400, "invalid_request", "x-parley-filename must be URI-encoded");
  }
}

/**
 * Stores an uploaded file in R2 under the channel's limits. The attachment id is derived from the
 * message's clientId, so a retried upload overwrites the same object instead of leaving an orphan.
 */
export async function storeUpload(
  c: Context<AppEnv>,
  target: { workspaceId: string; conversationId: string; limits: ChannelConfig["attachments"]; uploadedBy: "visitor" | "agent" },
): Promise<{ clientId: string; attachment: Attachment }> {
  const h = parseWith(uploadHeaders, {
    clientId: c.req.header("x-parley-client-id") ?? "",
    fileName: decodeName(c.req.header("x-parley-filename")),
    contentType: c.req.header("content-type") ?? "",
  });
  const contentType = h.contentType.split(";")[0]!.trim().toLowerCase();
  if (!typeAllowed(contentType, target.limits.types)) {
    throw new HttpError(415, "file_type_not_allowed", `files of type ${contentType} are not accepted here; allowed: ${target.limits.types.join(", ")}`);
  }
  const declared = Number(c.req.header("content-length") ?? "NaN");
  const tooLarge = () =>
    new HttpError(413, "file_too_large", `a file is at most ${Math.floor(target.limits.maxBytes / 1024 / 1024 * 10) / 10} MB here`);
  if (declared > target.limits.maxBytes) throw tooLarge();
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > target.limits.maxBytes) throw tooLarge();
  if (bytes.byteLength === 0) throw new HttpError(400, "invalid_request", "the file is empty");

  // The uploader is part of the id, so nobody can overwrite another author's file by reusing its clientId.
  const id = `att_${(await sha256Hex(`${target.conversationId}:${target.uploadedBy}:${h.clientId}`)).slice(0, 24)}`;
  const key = `${target.workspaceId}/${target.conversationId}/${id}`;
  await c.env.FILES.put(key, bytes, { httpMetadata: { contentType } });
  await recordAttachment(c.env.DB, {
    workspaceId: target.workspaceId,
    id,
    conversationId: target.conversationId,
    key,
    name: h.fileName,
    contentType,
    size: bytes.byteLength,
    uploadedBy: target.uploadedBy,
  });
  return {
    clientId: h.clientId,
    attachment: {
      id,
      name: h.fileName,
      contentType,
      size: bytes.byteLength,
      url: `/api/attachments/${target.conversationId}/${id}`,
    },
  };
}

/**
 * An upload from a visitor or an agent: stored, then posted to the room as a message. If the room
 * refuses it (the chat ended meanwhile, the clientId is someone else's), the stored file is removed
 * again, so no file outlives its refusal.
 */
export async function postUpload(
  c: Context<AppEnv>,
  target: { workspaceId: string; conversationId: string; limits: ChannelConfig["attachments"]; author: Author },
): Promise<Message> {
  const room = roomFor(c.env, target.conversationId);
  // Checked before the bytes are stored, so an ended chat does not even take them in.
  if ((await room.snapshot()).status === "ended") throw new HttpError(409, "conversation_ended", "this conversation has ended");
  const uploadedBy = target.author.type === "agent" ? "agent" : "visitor";
  const { clientId, attachment } = await storeUpload(c, { ...target, uploadedBy });
  const posted = await room.post(target.author, clientId, "", attachment);
  if (posted.ok) return posted.message;
  const key = `${target.workspaceId}/${target.conversationId}/${attachment.id}`;
  await c.env.FILES.delete(key);
  await forgetAttachment(c.env.DB, target.workspaceId, target.conversationId, attachment.id);
  throw new HttpError(posted.code === "conversation_ended" ? 409 : 400, posted.code, posted.message);
}

/** Images that cannot carry script are shown inline; everything else downloads, sandboxed. */
const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

export function downloadHeaders(a: { name: string; content_type: string; size: number }): Headers {
  const inline = INLINE_TYPES.has(a.content_type);
  return new Headers({
    "Content-Type": inline ? a.content_type : "application/octet-stream",
    "Content-Length": String(a.size),
    "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(a.name)}`,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
    "Cross-Origin-Resource-Policy": "cross-origin",
  });
}
