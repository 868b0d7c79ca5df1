import type { PublicChannel } from "../../protocol/channel";
import { RequestError } from "../lib/api";
import type { StringKey } from "./i18n/en";

/** What the pre-chat and ticket forms collect. */
export type ContactInput = {
  name: string;
  email: string;
  topic: string;
  fields: Record<string, string>;
  message: string;
};

/**
 * Problems by form field: "name", "email", "topic", "message", "field:<key>" for the channel's own
 * fields, "form" for the rest. Each is a string key, or the server's own words when it has no key.
 */
export type FieldErrors = Partial<Record<string, { key: StringKey; vars?: Record<string, string | number> } | { text: string }>>;

// The same rule as zod's z.email() on the Worker, so the widget never accepts what the server refuses.
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function validateContact(input: ContactInput, channel: PublicChannel): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.name.trim()) errors.name = { key: "nameRequired" };
  const email = input.email.trim();
  if (!email) errors.email = { key: "emailRequired" };
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = { key: "emailInvalid" };
  for (const field of channel.preChatFields) {
    if (field.required && !input.fields[field.key]?.trim()) errors[`field:${field.key}`] = { key: "fieldRequired" };
  }
  if (!input.message.trim()) errors.message = { key: "messageRequired" };
  else if (input.message.length > channel.maxMessageLength) {
    errors.message = { key: "messageTooLong", vars: { max: channel.maxMessageLength } };
  }
  return errors;
}

/** Puts a refusal from the Worker next to the field it names ("email: …" belongs to Email). */
export function fieldErrorsFrom(err: unknown): FieldErrors {
  if (!(err instanceof RequestError)) return { form: { key: "networkError" } };
  if (err.status === 429) {
    return err.retryAfter === null
      ? { form: { key: "rateLimitedLater" } }
      : { form: { key: "rateLimited", vars: { minutes: Math.max(1, Math.ceil(err.retryAfter / 60)) } } };
  }
  if (err.code === "email_undeliverable") return { email: { key: "emailUndeliverable" } };
  const path = /^([\w.]+): /.exec(err.message)?.[1] ?? "";
  const field =
    path === "name" || path === "email" || path === "topic"
      ? path
      : path.startsWith("fields.")
        ? `field:${path.slice("fields.".length)}`
        : path === "question" || path.startsWith("message")
          ? "message"
          : "form";
  return { [field]: { text: err.message.slice(path ? path.length + 2 : 0) } };
}
