import type { Message } from "../../protocol/frames";
import { capTranscript, transcriptWindow } from "../conversations/transcript-cap";
import { customerMessages } from "../conversations/transcript-text";
import type { EmailRequest } from "./email-request";

type TranscriptData = Extract<EmailRequest, { template: "transcript" }>["data"];

/**
 * A transcript email's data from the conversation's messages up to `uptoSeq`, read through `read`
 * (a room's store, or its history RPC): only the newest within LIMITS.transcriptPayload, so the
 * email's outbox row stays far under D1's row limit however long the chat was.
 */
export async function transcriptEmailData(
  conversationId: string,
  subject: string,
  uptoSeq: number,
  read: (since: number, limit: number) => Message[] | Promise<Message[]>,
): Promise<TranscriptData> {
  const { since, limit } = transcriptWindow(uptoSeq);
  // The customer's transcript: an agent's private notes are never in it, whoever asks for it.
  const capped = capTranscript(limit > 0 ? customerMessages(await read(since, limit)) : []);
  return {
    conversationId,
    subject,
    omitted: capped.omitted,
    lines: capped.messages.map((m) => ({
      author: m.author.name,
      body: m.body || (m.attachment ? `[${m.attachment.name}]` : ""),
      createdAt: m.createdAt,
    })),
  };
}
