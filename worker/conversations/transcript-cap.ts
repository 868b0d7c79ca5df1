import type { Message } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";

const { messages: MAX_MESSAGES, bytes: MAX_BYTES } = LIMITS.transcriptPayload;
const encoder = new TextEncoder();

/**
 * Which messages to read for a capped transcript up to `uptoSeq`: the newest ones, at most
 * LIMITS.transcriptPayload.messages. Seqs run 1, 2, 3… without gaps, so the window is known
 * before anything is read, and a 5,000-message conversation is never loaded whole.
 *
 * @example
 * transcriptWindow(1500) // { since: 1300, limit: 200 }: messages 1301 to 1500
 */
export function transcriptWindow(uptoSeq: number): { since: number; limit: number } {
  const since = Math.max(0, uptoSeq - MAX_MESSAGES);
  return { since, limit: uptoSeq - since };
}

/**
 * The newest of `messages` (oldest first, as read from `transcriptWindow`) whose JSON together
 * stays within LIMITS.transcriptPayload.bytes, and how many messages of the conversation come
 * before the first one kept. One message is far smaller than the cap, so the newest is always kept.
 */
export function capTranscript(messages: Message[]): { messages: Message[]; omitted: number } {
  let bytes = 0;
  let start = messages.length;
  while (start > 0) {
    const size = encoder.encode(JSON.stringify(messages[start - 1])).byteLength + 1;
    if (bytes + size > MAX_BYTES) break;
    bytes += size;
    start--;
  }
  const kept = messages.slice(start);
  return { messages: kept, omitted: kept[0] ? kept[0].seq - 1 : 0 };
}
