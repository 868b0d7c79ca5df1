import type { Message } from "../../protocol/frames";
import { HISTORY_PAGE_SIZE } from "../../protocol/limits";

/**
 * One message as a transcript line: `[2025-01-31 09:30 UTC] Vera: Hello`, a file by its name, and
 * a private note marked so that nobody mistakes it for something the customer read.
 */
export function transcriptLine(m: Message): string {
  const note = m.visibility === "note" ? "(private note) " : "";
  return `[${new Date(m.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC] ${note}${m.author.name}: ${m.body || m.attachment?.name || ""}`;
}

/** What the customer saw of the conversation: everything but the agents' private notes. */
export const customerMessages = (messages: Message[]): Message[] => messages.filter((m) => m.visibility !== "note");

/**
 * A whole transcript as text, read one page of HISTORY_PAGE_SIZE messages at a time while the
 * client reads: a 5,000-message conversation never sits in the Worker's memory at once, and the
 * first lines leave before the last are read.
 *
 * @example
 * new Response(transcriptStream((since) => roomFor(env, id).history(since)), { headers: { "content-type": "text/plain; charset=utf-8" } })
 */
export function transcriptStream(read: (since: number) => Promise<Message[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let since = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await read(since);
      if (page.length > 0) {
        controller.enqueue(encoder.encode(page.map((m) => `${transcriptLine(m)}\n`).join("")));
        since = page.at(-1)!.seq;
      }
      if (page.length < HISTORY_PAGE_SIZE) controller.close();
    },
  });
}

export const TRANSCRIPT_TEXT_HEADERS = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } as const;
