import { vi } from "vitest";
import type { IncomingEmail } from "../../worker/email/inbound/receive";

/** Real MIME, as the mail clients our customers use write it: each builder returns the raw message. */
export const mime = {
  /** Gmail: text and HTML alternatives, the history quoted under "On … wrote:". */
  gmailReply(o: { from: string; to: string; messageId: string; text: string; quoted?: string }) {
    const quoted = o.quoted ?? "Have you tried turning it off and on again?";
    const plain = `${o.text}\r\n\r\nOn Tue, 1 Dec 2026 at 14:02, Dana Demo <demo@parley.test> wrote:\r\n> ${quoted}\r\n>\r\n`;
    const html = `<div dir="ltr">${o.text.replaceAll("\n", "<br>")}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, 1 Dec 2026 at 14:02, Dana Demo &lt;demo@parley.test&gt; wrote:<br></div><blockquote class="gmail_quote">${quoted}</blockquote></div>`;
    return [
      `From: Vera Visitor <${o.from}>`,
      `To: ${o.to}`,
      "Subject: Re: I cannot log in to the portal",
      `Message-ID: ${o.messageId}`,
      "In-Reply-To: <parley-1@parley.test>",
      "Date: Wed, 2 Dec 2026 09:15:00 +0000",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="gm-boundary"',
      "",
      "--gm-boundary",
      'Content-Type: text/plain; charset="UTF-8"',
      "",
      plain,
      "--gm-boundary",
      'Content-Type: text/html; charset="UTF-8"',
      "",
      html,
      "--gm-boundary--",
      "",
    ].join("\r\n");
  },
  /** Outlook: HTML only, the history under a divRplyFwdMsg header, a style block, and entities. */
  outlookHtmlReply(o: { from: string; to: string; messageId: string; html: string }) {
    return [
      `From: Vera Visitor <${o.from}>`,
      `To: ${o.to}`,
      "Subject: RE: I cannot log in to the portal",
      `Message-ID: ${o.messageId}`,
      "MIME-Version: 1.0",
      'Content-Type: text/html; charset="utf-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      `<html><head><style>p{color:red}</style></head><body><div>${o.html}</div><hr style=3D"display:inline-block" id=3D"stopSpelling"><div id=3D"divRplyFwdMsg"><b>From:</b> Dana Demo<br><b>Sent:</b> Tuesday<br>Old words</div></body></html>`,
      "",
    ].join("\r\n");
  },
  /** A reply with a PDF attached. */
  withAttachment(o: { from: string; to: string; messageId: string; text: string; fileName: string; bytes: Uint8Array; type?: string }) {
    let b64 = "";
    for (const b of o.bytes) b64 += String.fromCharCode(b);
    return [
      `From: ${o.from}`,
      `To: ${o.to}`,
      "Subject: Re: the invoice",
      `Message-ID: ${o.messageId}`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="mix"',
      "",
      "--mix",
      "Content-Type: text/plain; charset=utf-8",
      "",
      o.text,
      "--mix",
      `Content-Type: ${o.type ?? "application/pdf"}; name="${o.fileName}"`,
      `Content-Disposition: attachment; filename="${o.fileName}"`,
      "Content-Transfer-Encoding: base64",
      "",
      btoa(b64),
      "--mix--",
      "",
    ].join("\r\n");
  },
  /** A plain message with extra headers (auto-replies, lists). */
  plain(o: { from: string; to: string; messageId: string; text: string; headers?: string[] }) {
    return [`From: ${o.from}`, `To: ${o.to}`, "Subject: Re: your question", `Message-ID: ${o.messageId}`, ...(o.headers ?? []), "Content-Type: text/plain; charset=utf-8", "", o.text, ""].join("\r\n");
  },
  /** A delivery status notification (RFC 3464). */
  bounce(o: { to: string }) {
    return [
      "From: Mail Delivery Subsystem <mailer-daemon@mail.example.com>",
      `To: ${o.to}`,
      "Subject: Delivery Status Notification (Failure)",
      "Message-ID: <bounce-1@mail.example.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="rep"',
      "",
      "--rep",
      "Content-Type: text/plain",
      "",
      "Your message could not be delivered.",
      "--rep",
      "Content-Type: message/delivery-status",
      "",
      "Action: failed",
      "--rep--",
      "",
    ].join("\r\n");
  },
};

/** What Email Routing hands email(): the envelope, the raw bytes, and setReject (a spy). */
export function incoming(raw: string, envelope: { from: string; to: string }, rawSize?: number) {
  const bytes = new TextEncoder().encode(raw);
  return {
    from: envelope.from,
    to: envelope.to,
    rawSize: rawSize ?? bytes.byteLength,
    raw: new Response(bytes).body!,
    setReject: vi.fn<(reason: string) => void>(),
  } satisfies IncomingEmail;
}
