import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { ChannelConfig } from "../../protocol/channel";
import { clientId as clientIdSchema, type Attachment, type Author, type Message } from "../../protocol/frames";
import type { AppEnv } from "../app-env";
import { forgetAttachment, recordAttachment } from "../db/attachments";
import { newId } from "../db/ids";
import { HttpError } from "../http/errors";
import { parseWith } from "../http/validate";
import { roomFor } from "../rooms";
import { cleanFileName } from "./file-name";

const uploadHeaders = z.object({
  clientId: clientIdSchema,
  fileName: z.string().min(1, "x-parley-filename is required").max(1024, "x-parley-filename is at most 1024 characters"),
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

type Target = { workspaceId: string; conversationId: string; limits: ChannelConfig["attachments"]; uploadedBy: "visitor" | "agent" };
type Stored = { clientId: string; attachment: Attachment; key: string };

/**
 * Stores an uploaded file in R2 under the channel's limits, under a key of its own: nothing the
 * uploader sends (a clientId seen before, above all) can make it land on another file's bytes.
 */
async function storeUpload(c: Context<AppEnv>, target: Target): Promise<Stored> {
  const h = parseWith(uploadHeaders, {
    clientId: c.req.header("x-parley-client-id") ?? "",
    fileName: decodeName(c.req.header("x-parley-filename")),
    contentType: c.req.header("content-type") ?? "",
  });
  const name = cleanFileName(h.fileName);
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

  const id = newId("att");
  const key = `${target.workspaceId}/${target.conversationId}/${id}`;
  await c.env.FILES.put(key, bytes, { httpMetadata: { contentType } });
  await recordAttachment(c.env.DB, {
    workspaceId: target.workspaceId,
    id,
    conversationId: target.conversationId,
    key,
    name,
    contentType,
    size: bytes.byteLength,
    uploadedBy: target.uploadedBy,
  });
  return {
    clientId: h.clientId,
    key,
    attachment: { id, name, contentType, size: bytes.byteLength, url: `/api/attachments/${target.conversationId}/${id}` },
  };
}

const STATUS_OF: Partial<Record<string, ContentfulStatusCode>> = {
  conversation_ended: 409,
  limit_reached: 409,
  not_allowed: 403,
  rate_limited: 429,
};

/** The room's refusal as the HTTP error it is; a rate limit says when to try again. */
function refusal(posted: { code: string; message: string }): HttpError {
  const retryAfterMs = "retryAfterMs" in posted && typeof posted.retryAfterMs === "number" ? posted.retryAfterMs : null;
  const headers: Record<string, string> = retryAfterMs === null ? {} : { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  return new HttpError(STATUS_OF[posted.code] ?? 400, posted.code, posted.message, headers);
}

/**
 * An upload from a visitor or an agent: stored, then posted to the room as a message. The file
 * stays only if the room stores a new message with it. When the room refuses (the chat ended
 * meanwhile, a limit, the clientId is someone else's) or already has a message with that clientId
 * (a retry), the new bytes and their record are removed again: a retry answers the message first
 * stored, with its own file, and no file outlives its refusal.
 */
export async function postUpload(
  c: Context<AppEnv>,
  target: { workspaceId: string; conversationId: string; limits: ChannelConfig["attachments"]; author: Author },
): Promise<Message> {
  const room = roomFor(c.env, target.conversationId);
  // Checked before the bytes are stored, so an ended chat does not even take them in.
  if ((await room.snapshot()).status === "ended") throw new HttpError(409, "conversation_ended", "this conversation has ended");
  const uploadedBy = target.author.type === "agent" ? "agent" : "visitor";
  const stored = await storeUpload(c, { ...target, uploadedBy });
  const posted = await room.post(target.author, stored.clientId, "", stored.attachment);
  if (posted.ok && !posted.duplicate) return posted.message;
  await c.env.FILES.delete(stored.key);
  await forgetAttachment(c.env.DB, target.workspaceId, target.conversationId, stored.attachment.id);
  if (posted.ok) return posted.message;
  throw refusal(posted);
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
