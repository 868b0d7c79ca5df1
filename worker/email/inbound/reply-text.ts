/**
 * The new words of an emailed reply: what the customer or agent wrote above the quoted history
 * their mail client appended, without their signature. Works on plain text; an HTML-only email is
 * turned to text first (html-text.ts), so both kinds end here.
 */

/** Lines that start the quoted history, as the common clients write them (a wrapped "On … wrote:" too). */
const QUOTE_HEADERS = [
  // Gmail, Apple Mail, Thunderbird: "On Tue, 1 Dec 2026 at 14:02, Dana <d@x> wrote:" (any language's "wrote")
  /^(On|Am|Le|El|Il|Op|Den|På|Dne|W dniu|Em)\s.{4,300}(wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev|napsal|napisał|escreveu|kirjoitti)\s*:\s*$/i,
  // Outlook: a line of underscores or dashes, then "From:"
  /^-{2,}\s*(Original Message|Alkuperäinen viesti|Ursprüngliche Nachricht|Opprinnelig melding|Oprindelig meddelelse|Ursprungligt meddelande|Messaggio originale|Oorspronkelijk bericht)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^(From|Von|De|Da|Van|Från|Fra|Lähettäjä):\s.+$/i,
];
const SIGNATURE_STARTS = [/^--\s?$/, /^Sent from my \w+/i, /^Get Outlook for /i, /^Lähetetty iPhonesta/i, /^Von meinem \w+ gesendet/i];

/**
 * @example
 * replyText("Thanks, that worked!\n\nOn Tue, 1 Dec 2026, Dana wrote:\n> Try again") // "Thanks, that worked!"
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    const joined = `${line} ${lines[i + 1]?.trim() ?? ""}`.trim();
    if (QUOTE_HEADERS.some((re) => re.test(line.trim()))) break;
    // "On …, Dana <d@x>" wrapped onto a second line that ends in "wrote:".
    if (QUOTE_HEADERS[0]!.test(joined) && !QUOTE_HEADERS[0]!.test(line.trim())) break;
    if (SIGNATURE_STARTS.some((re) => re.test(line))) break;
    kept.push(line);
  }
  // Quoted lines left between the reply's own (inline answers keep their text, lose the quotes).
  const own = kept.filter((l) => !/^\s*>/.test(l));
  return own.join("\n").replace(/\n{3,}/g, "\n\n").trim();
}
