import type { Locale } from "../../protocol/channel";
import { LIMITS } from "../../protocol/limits";
import type { EmailRequest } from "./email-request";
import { escapeHtml, messageHtml } from "./message-html";

export type RenderedEmail = { subject: string; text: string; html: string };

type Words = {
  transcriptSubject: (subject: string) => string;
  transcriptIntro: string;
  transcriptOmitted: (count: number) => string;
  surveySubject: string;
  surveyBody: (name: string, subject: string) => string;
  ticketSubject: (reference: string) => string;
  ticketBody: (name: string, reference: string) => string;
  notificationSubject: (from: string) => string;
  alertSubject: (subject: string) => string;
  replyIntro: (channel: string) => string;
  replyEarlier: string;
  replyHint: string;
  agentReplyHint: string;
};

const en: Words = {
  transcriptSubject: (s) => `Transcript of your chat: ${s}`,
  transcriptIntro: "Here is the transcript of your conversation with us.",
  transcriptOmitted: (n) => `(${n} earlier messages are not included.)`,
  surveySubject: "How did we do?",
  surveyBody: (n, s) => `Hi ${n}, your conversation "${s}" is resolved. Reply to this email to tell us how we did.`,
  ticketSubject: (r) => `We received your question (${r})`,
  ticketBody: (n, r) => `Hi ${n}, thank you. Your ticket number is ${r}; we will answer by email.`,
  notificationSubject: (f) => `New message from ${f}`,
  alertSubject: (s) => `Attention needed: ${s}`,
  replyIntro: (c) => `New reply from ${c}:`,
  replyEarlier: "Earlier in the conversation:",
  replyHint: "Reply to this email to answer; your reply goes straight into the conversation.",
  agentReplyHint: "Reply to this email to answer the customer.",
};

const fi: Words = {
  transcriptSubject: (s) => `Keskustelusi tallenne: ${s}`,
  transcriptIntro: "Tässä on tallenne keskustelustasi kanssamme.",
  transcriptOmitted: (n) => `(${n} aiempaa viestiä ei ole mukana.)`,
  surveySubject: "Miten onnistuimme?",
  surveyBody: (n, s) => `Hei ${n}, keskustelusi "${s}" on ratkaistu. Vastaa tähän viestiin ja kerro, miten onnistuimme.`,
  ticketSubject: (r) => `Olemme vastaanottaneet kysymyksesi (${r})`,
  ticketBody: (n, r) => `Hei ${n}, kiitos. Tikettisi numero on ${r}; vastaamme sähköpostitse.`,
  notificationSubject: (f) => `Uusi viesti: ${f}`,
  alertSubject: (s) => `Huomiota tarvitaan: ${s}`,
  replyIntro: (c) => `Uusi vastaus: ${c}`,
  replyEarlier: "Aiemmin keskustelussa:",
  replyHint: "Vastaa tähän viestiin; vastauksesi menee suoraan keskusteluun.",
  agentReplyHint: "Vastaa tähän viestiin vastataksesi asiakkaalle.",
};

const sv: Words = {
  transcriptSubject: (s) => `Utskrift av din chatt: ${s}`,
  transcriptIntro: "Här är utskriften av ditt samtal med oss.",
  transcriptOmitted: (n) => `(${n} tidigare meddelanden är inte med.)`,
  surveySubject: "Hur gick det?",
  surveyBody: (n, s) => `Hej ${n}, ditt ärende "${s}" är löst. Svara på det här mejlet och berätta hur vi skötte oss.`,
  ticketSubject: (r) => `Vi har tagit emot din fråga (${r})`,
  ticketBody: (n, r) => `Hej ${n}, tack. Ditt ärendenummer är ${r}; vi svarar via e-post.`,
  notificationSubject: (f) => `Nytt meddelande från ${f}`,
  alertSubject: (s) => `Behöver uppmärksamhet: ${s}`,
  replyIntro: (c) => `Nytt svar från ${c}:`,
  replyEarlier: "Tidigare i samtalet:",
  replyHint: "Svara på det här mejlet; ditt svar går direkt in i samtalet.",
  agentReplyHint: "Svara på det här mejlet för att svara kunden.",
};

const no: Words = {
  transcriptSubject: (s) => `Utskrift av chatten din: ${s}`,
  transcriptIntro: "Her er utskriften av samtalet ditt med oss.",
  transcriptOmitted: (n) => `(${n} tidligere meldinger er ikke med.)`,
  surveySubject: "Hvordan gjorde vi det?",
  surveyBody: (n, s) => `Hei ${n}, saken din "${s}" er løst. Svar på denne e-posten og fortell oss hvordan vi gjorde det.`,
  ticketSubject: (r) => `Vi har mottatt spørsmålet ditt (${r})`,
  ticketBody: (n, r) => `Hei ${n}, takk. Saksnummeret ditt er ${r}; vi svarer på e-post.`,
  notificationSubject: (f) => `Ny melding fra ${f}`,
  alertSubject: (s) => `Trenger oppmerksomhet: ${s}`,
  replyIntro: (c) => `Nytt svar fra ${c}:`,
  replyEarlier: "Tidligere i samtalen:",
  replyHint: "Svar på denne e-posten; svaret ditt går rett inn i samtalen.",
  agentReplyHint: "Svar på denne e-posten for å svare kunden.",
};

const da: Words = {
  transcriptSubject: (s) => `Udskrift af din chat: ${s}`,
  transcriptIntro: "Her er udskriften af din samtale med os.",
  transcriptOmitted: (n) => `(${n} tidligere beskeder er ikke med.)`,
  surveySubject: "Hvordan klarede vi det?",
  surveyBody: (n, s) => `Hej ${n}, din sag "${s}" er løst. Svar på denne e-mail og fortæl os, hvordan vi klarede det.`,
  ticketSubject: (r) => `Vi har modtaget dit spørgsmål (${r})`,
  ticketBody: (n, r) => `Hej ${n}, tak. Dit sagsnummer er ${r}; vi svarer på e-mail.`,
  notificationSubject: (f) => `Ny besked fra ${f}`,
  alertSubject: (s) => `Kræver opmærksomhed: ${s}`,
  replyIntro: (c) => `Nyt svar fra ${c}:`,
  replyEarlier: "Tidligere i samtalen:",
  replyHint: "Svar på denne e-mail; dit svar går direkte ind i samtalen.",
  agentReplyHint: "Svar på denne e-mail for at svare kunden.",
};

const de: Words = {
  transcriptSubject: (s) => `Verlauf Ihres Chats: ${s}`,
  transcriptIntro: "Hier ist der Verlauf Ihres Gesprächs mit uns.",
  transcriptOmitted: (n) => `(${n} frühere Nachrichten sind nicht enthalten.)`,
  surveySubject: "Wie war unser Service?",
  surveyBody: (n, s) => `Hallo ${n}, Ihr Anliegen „${s}“ ist gelöst. Antworten Sie auf diese E-Mail und sagen Sie uns, wie zufrieden Sie waren.`,
  ticketSubject: (r) => `Wir haben Ihre Frage erhalten (${r})`,
  ticketBody: (n, r) => `Hallo ${n}, vielen Dank. Ihre Ticketnummer ist ${r}; wir antworten per E-Mail.`,
  notificationSubject: (f) => `Neue Nachricht von ${f}`,
  alertSubject: (s) => `Aufmerksamkeit nötig: ${s}`,
  replyIntro: (c) => `Neue Antwort von ${c}:`,
  replyEarlier: "Früher in diesem Gespräch:",
  replyHint: "Antworten Sie einfach auf diese E-Mail; Ihre Antwort landet direkt im Gespräch.",
  agentReplyHint: "Antworten Sie auf diese E-Mail, um dem Kunden zu antworten.",
};

const nl: Words = {
  transcriptSubject: (s) => `Transcript van je chat: ${s}`,
  transcriptIntro: "Hier is het transcript van je gesprek met ons.",
  transcriptOmitted: (n) => `(${n} eerdere berichten zijn niet opgenomen.)`,
  surveySubject: "Hoe hebben we het gedaan?",
  surveyBody: (n, s) => `Hoi ${n}, je vraag "${s}" is opgelost. Beantwoord deze e-mail en laat ons weten hoe we het deden.`,
  ticketSubject: (r) => `We hebben je vraag ontvangen (${r})`,
  ticketBody: (n, r) => `Hoi ${n}, bedankt. Je ticketnummer is ${r}; we antwoorden per e-mail.`,
  notificationSubject: (f) => `Nieuw bericht van ${f}`,
  alertSubject: (s) => `Aandacht nodig: ${s}`,
  replyIntro: (c) => `Nieuw antwoord van ${c}:`,
  replyEarlier: "Eerder in het gesprek:",
  replyHint: "Beantwoord deze e-mail; je antwoord komt direct in het gesprek.",
  agentReplyHint: "Beantwoord deze e-mail om de klant te antwoorden.",
};

const it: Words = {
  transcriptSubject: (s) => `Trascrizione della tua chat: ${s}`,
  transcriptIntro: "Ecco la trascrizione della tua conversazione con noi.",
  transcriptOmitted: (n) => `(${n} messaggi precedenti non sono inclusi.)`,
  surveySubject: "Come siamo andati?",
  surveyBody: (n, s) => `Ciao ${n}, la tua richiesta "${s}" è stata risolta. Rispondi a questa email per dirci come siamo andati.`,
  ticketSubject: (r) => `Abbiamo ricevuto la tua domanda (${r})`,
  ticketBody: (n, r) => `Ciao ${n}, grazie. Il numero del tuo ticket è ${r}; ti risponderemo via email.`,
  notificationSubject: (f) => `Nuovo messaggio da ${f}`,
  alertSubject: (s) => `Richiede attenzione: ${s}`,
  replyIntro: (c) => `Nuova risposta da ${c}:`,
  replyEarlier: "In precedenza nella conversazione:",
  replyHint: "Rispondi a questa email; la tua risposta arriva direttamente nella conversazione.",
  agentReplyHint: "Rispondi a questa email per rispondere al cliente.",
};

const WORDS: Record<Locale, Words> = { en, fi, sv, no, da, de, nl, it };

/**
 * The start of a question as a receipt quotes it: its first LIMITS.receiptQuoteLines non-empty
 * lines within LIMITS.receiptQuoteChars, "…" where it was cut. A receipt goes to whatever address
 * the visitor typed, so it must not carry a stranger's whole text to someone else's inbox.
 *
 * @example
 * receiptQuote("a\n\nb\nc\nd") // ["a", "b", "c…"]
 */
export function receiptQuote(question: string): string[] {
  const lines = question.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const quoted: string[] = [];
  let left = LIMITS.receiptQuoteChars;
  for (const line of lines.slice(0, LIMITS.receiptQuoteLines)) {
    if (left <= 0) break;
    quoted.push(line.length > left ? `${line.slice(0, left).trimEnd()}…` : line);
    left -= line.length;
  }
  const last = quoted.at(-1);
  if (last !== undefined && lines.length > quoted.length && !last.endsWith("…")) quoted[quoted.length - 1] = `${last}…`;
  return quoted;
}

export function renderEmail(locale: Locale, request: EmailRequest): RenderedEmail {
  const w = WORDS[locale];
  switch (request.template) {
    case "transcript": {
      const { subject, lines, omitted } = request.data;
      const head = (l: (typeof lines)[number]) => `[${new Date(l.createdAt).toISOString().slice(0, 16).replace("T", " ")}] ${l.author}:`;
      const intro = omitted ? [w.transcriptIntro, w.transcriptOmitted(omitted)] : [w.transcriptIntro];
      return {
        subject: w.transcriptSubject(subject),
        text: `${intro.join("\n")}\n\n${lines.map((l) => `${head(l)} ${l.body}`).join("\n")}\n`,
        html: `${intro.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}<ul>${lines.map((l) => `<li>${escapeHtml(head(l))} ${messageHtml(l.body)}</li>`).join("")}</ul>`,
      };
    }
    case "reply": {
      const { subject, channelName, lines, newCount } = request.data;
      const line = (l: { author: string; body: string }) => `${l.author}: ${l.body}`;
      const fresh = lines.slice(-newCount);
      const earlier = lines.slice(0, -newCount);
      const text = [w.replyIntro(channelName), ...fresh.map(line), "", w.replyHint, ...(earlier.length ? ["", w.replyEarlier, ...earlier.map((l) => `> ${line(l)}`)] : [])];
      return {
        subject,
        text: `${text.join("\n")}\n`,
        html:
          `<p>${escapeHtml(w.replyIntro(channelName))}</p>${fresh.map((l) => `<p><b>${escapeHtml(l.author)}</b>:</p>${messageHtml(l.body)}`).join("")}` +
          `<p>${escapeHtml(w.replyHint)}</p>` +
          (earlier.length ? `<p>${escapeHtml(w.replyEarlier)}</p><blockquote>${earlier.map((l) => escapeHtml(line(l))).join("<br>")}</blockquote>` : ""),
      };
    }
    case "survey": {
      const body = w.surveyBody(request.data.contactName, request.data.subject);
      return { subject: w.surveySubject, text: body, html: `<p>${escapeHtml(body)}</p>` };
    }
    case "ticket_receipt": {
      const quote = receiptQuote(request.data.question);
      const body = `${w.ticketBody(request.data.contactName, request.data.reference)}\n\n${quote.map((l) => `> ${l}`).join("\n")}`;
      return {
        subject: w.ticketSubject(request.data.reference),
        text: body,
        html: `<p>${escapeHtml(w.ticketBody(request.data.contactName, request.data.reference))}</p><blockquote>${quote.map(escapeHtml).join("<br>")}</blockquote>`,
      };
    }
    case "notification": {
      const body = `${request.data.from}: ${request.data.body}`;
      return {
        subject: w.notificationSubject(request.data.from),
        text: `${body}\n\n${w.agentReplyHint}\n`,
        html: `<p><b>${escapeHtml(request.data.from)}</b>:</p>${messageHtml(request.data.body)}<p>${escapeHtml(w.agentReplyHint)}</p>`,
      };
    }
    case "admin_alert":
      return { subject: w.alertSubject(request.data.subject), text: request.data.text, html: `<p>${escapeHtml(request.data.text)}</p>` };
  }
}
