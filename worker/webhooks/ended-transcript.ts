import type { Message } from "../../protocol/frames";
import type { WebhookEventData } from "../../protocol/webhooks";
import { capTranscript, transcriptWindow } from "../conversations/transcript-cap";
import { customerMessages } from "../conversations/transcript-text";

type EndedTranscript = Pick<WebhookEventData<"conversation.ended">, "transcript" | "transcriptTruncated" | "transcriptUrl">;

/**
 * The transcript a `conversation.ended` event carries: the newest messages up to `uptoSeq` within
 * LIMITS.transcriptPayload, and where to read the rest. Unbounded, a long chat made a payload
 * (and a delivery row) past D1's row limit, and the room's sync failed on it forever.
 *
 * @example
 * endedTranscript("cv_1", 1500, (since, limit) => store.messagesAfter(since, limit))
 * // { transcript: [...200 messages, 1301-1500], transcriptTruncated: true, transcriptUrl: "/api/v1/conversations/cv_1/transcript" }
 */
export function endedTranscript(conversationId: string, uptoSeq: number, read: (since: number, limit: number) => Message[]): EndedTranscript {
  const { since, limit } = transcriptWindow(uptoSeq);
  // The transcript is the customer's conversation: private notes stay with the agents (and `note.created`).
  const capped = capTranscript(limit > 0 ? customerMessages(read(since, limit)) : []);
  return {
    transcript: capped.messages,
    transcriptTruncated: capped.omitted > 0,
    transcriptUrl: `/api/v1/conversations/${encodeURIComponent(conversationId)}/transcript`,
  };
}
