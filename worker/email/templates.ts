import type { Locale } from "../../protocol/channel";
import type { EmailRequest } from "./email-request";

export type RenderedEmail = { subject: string; text: string; html: string };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Words = {
  transcriptSubject: (subject: string) => string;
  transcriptIntro: string;
  surveySubject: string;
  surveyBody: (name: string, subject: string) => string;
  ticketSubject: (reference: string) => string;
  ticketBody: (name: string, reference: string) => string;
  notificationSubject: (from: string) => string;
  alertSubject: (subject: string) => string;
};

const en: Words = {
  transcriptSubject: (s) => `Transcript of your chat: ${s}`,
  transcriptIntro: "Here is the transcript of your conversation with us.",
  surveySubject: "How did we do?",
  surveyBody: (n, s) => `Hi ${n}, your conversation "${s}" is resolved. Reply to this email to tell us how we did.`,
  ticketSubject: (r) => `We received your question (${r})`,
  ticketBody: (n, r) => `Hi ${n}, thank you. Your ticket number is ${r}; we will answer by email.`,
  notificationSubject: (f) => `New message from ${f}`,
  alertSubject: (s) => `Attention needed: ${s}`,
};

const fi: Words = {
  transcriptSubject: (s) => `Keskustelusi tallenne: ${s}`,
  transcriptIntro: "Tässä on tallenne keskustelustasi kanssamme.",
  surveySubject: "Miten onnistuimme?",
  surveyBody: (n, s) => `Hei ${n}, keskustelusi "${s}" on ratkaistu. Vastaa tähän viestiin ja kerro, miten onnistuimme.`,
  ticketSubject: (r) => `Olemme vastaanottaneet kysymyksesi (${r})`,
  ticketBody: (n, r) => `Hei ${n}, kiitos. Tikettisi numero on ${r}; vastaamme sähköpostitse.`,
  notificationSubject: (f) => `Uusi viesti: ${f}`,
  alertSubject: (s) => `Huomiota tarvitaan: ${s}`,
};

const WORDS: Partial<Record<Locale, Words>> = { en, fi };

export function renderEmail(locale: Locale, request: EmailRequest): RenderedEmail {
  const w = WORDS[locale] ?? en;
  switch (request.template) {
    case "transcript": {
      const { subject, lines } = request.data;
      const text = lines.map((l) => `[${new Date(l.createdAt).toISOString().slice(0, 16).replace("T", " ")}] ${l.author}: ${l.body}`);
      return {
        subject: w.transcriptSubject(subject),
        text: `${w.transcriptIntro}\n\n${text.join("\n")}\n`,
        html: `<p>${escapeHtml(w.transcriptIntro)}</p><ul>${text.map((t) => `<li>${escapeHtml(t)}</li>`).join("")}</ul>`,
      };
    }
    case "survey": {
      const body = w.surveyBody(request.data.contactName, request.data.subject);
      return { subject: w.surveySubject, text: body, html: `<p>${escapeHtml(body)}</p>` };
    }
    case "ticket_receipt": {
      const body = `${w.ticketBody(request.data.contactName, request.data.reference)}\n\n> ${request.data.question}`;
      return {
        subject: w.ticketSubject(request.data.reference),
        text: body,
        html: `<p>${escapeHtml(w.ticketBody(request.data.contactName, request.data.reference))}</p><blockquote>${escapeHtml(request.data.question)}</blockquote>`,
      };
    }
    case "notification": {
      const body = `${request.data.from}: ${request.data.body}`;
      return { subject: w.notificationSubject(request.data.from), text: body, html: `<p>${escapeHtml(body)}</p>` };
    }
    case "admin_alert":
      return { subject: w.alertSubject(request.data.subject), text: request.data.text, html: `<p>${escapeHtml(request.data.text)}</p>` };
  }
}
