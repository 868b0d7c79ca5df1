import type { ChannelConfig } from "../../protocol/channel";
import { HttpError } from "../http/errors";

const invalid = (message: string) => new HttpError(400, "invalid_request", message);

/**
 * Checks the answers against what the channel asks for: its required extra fields, the options of
 * select fields, and its topic list. Unknown fields are dropped rather than stored.
 */
export function checkPreChat(
  config: ChannelConfig,
  input: { topic?: string | undefined; fields: Record<string, string> },
): { topic: string | undefined; fields: Record<string, string> } {
  // The topic helps routing but never blocks a visitor: absent is fine, unknown is not.
  if (input.topic && !config.topics.includes(input.topic)) {
    throw invalid(`topic: "${input.topic}" is not one of this channel's topics`);
  }
  const fields: Record<string, string> = {};
  for (const field of config.preChatFields) {
    const value = input.fields[field.key]?.trim() ?? "";
    if (!value) {
      if (field.required) throw invalid(`fields.${field.key}: ${field.label} is required`);
      continue;
    }
    if (field.type === "select" && !field.options?.includes(value)) {
      throw invalid(`fields.${field.key}: choose one of the options for ${field.label}`);
    }
    fields[field.key] = value;
  }
  return { topic: input.topic, fields };
}

export function checkMessageLength(config: ChannelConfig, body: string, field = "message.body"): void {
  if (body.length > config.maxMessageLength) {
    throw invalid(`${field}: a message is at most ${config.maxMessageLength} characters on this channel`);
  }
}
