import type { Email } from "postal-mime";

/**
 * Why an email is not a person writing, if it is not: replying to an auto-reply, a bounce or a
 * mailing list is how two robots mail each other forever. RFC 3834 (Auto-Submitted), RFC 3464
 * (delivery reports), and the headers the common autoresponders set.
 */
export type NotAPerson = "auto_reply" | "bounce" | "bulk";

const header = (mail: Email, key: string) => mail.headers.find((h) => h.key === key)?.value.trim().toLowerCase() ?? null;

export function notAPerson(mail: Email, envelopeFrom: string): NotAPerson | null {
  const contentType = header(mail, "content-type") ?? "";
  const from = envelopeFrom.toLowerCase();
  if (
    contentType.startsWith("multipart/report") ||
    from === "" ||
    from.startsWith("mailer-daemon@") ||
    from.startsWith("postmaster@") ||
    header(mail, "return-path") === "<>"
  ) {
    return "bounce";
  }
  const auto = header(mail, "auto-submitted");
  if ((auto && auto !== "no") || header(mail, "x-autoreply") !== null || header(mail, "x-autorespond") !== null) return "auto_reply";
  if (header(mail, "x-auto-response-suppress")?.includes("all") && header(mail, "x-ms-exchange-generated-message-source")) return "auto_reply";
  const precedence = header(mail, "precedence");
  if (precedence === "bulk" || precedence === "junk" || precedence === "list" || precedence === "auto_reply") return "bulk";
  if (header(mail, "list-id") !== null || header(mail, "list-unsubscribe") !== null) return "bulk";
  return null;
}
