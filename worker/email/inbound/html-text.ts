/**
 * Text from an HTML-only email, for a chat message: the history the client quoted is cut first
 * (Gmail's `gmail_quote`, Outlook's reply header, any `<blockquote>`), then every tag goes and
 * entities are decoded. Nothing of the HTML survives, so nothing the sender wrote can run in the
 * console or the widget. Every step is one pass with indexOf, never a backtracking regex over the
 * document: the HTML is the sender's, and may be built to make a regex take forever.
 */

/** Markers of the quoted history, by client; the cut is at the tag that holds the marker. */
const QUOTE_MARKERS = ["gmail_quote", 'id="divrplyfwdmsg"', 'id="appendonsend"', 'id="stopspelling"', "<blockquote", "yahoo_quoted", "moz-cite-prefix"];
/** Elements whose content is not text. */
const HIDDEN = new Set(["style", "script", "head", "title", "template"]);
/** Elements that end a line. */
const BLOCKS = new Set(["p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr"]);

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  ndash: "–",
  mdash: "—",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
};

export function htmlText(html: string): string {
  const lower = html.toLowerCase();
  let end = html.length;
  for (const marker of QUOTE_MARKERS) {
    const at = lower.indexOf(marker);
    if (at >= 0) end = Math.min(end, marker.startsWith("<") ? at : Math.max(0, lower.lastIndexOf("<", at)));
  }
  return tidy(decodeEntities(stripTags(html.slice(0, end), lower.slice(0, end))));
}

function stripTags(html: string, lower: string): string {
  let out = "";
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) return out + html.slice(i);
    out += html.slice(i, lt);
    if (lower.startsWith("<!--", lt)) {
      const close = lower.indexOf("-->", lt + 4);
      if (close < 0) return out;
      i = close + 3;
      continue;
    }
    const gt = html.indexOf(">", lt);
    // An unclosed tag: what follows is not text anyone would see.
    if (gt < 0) return out;
    const name = /^\/?([a-z][a-z0-9]*)/.exec(lower.slice(lt + 1, Math.min(gt, lt + 20)))?.[1] ?? "";
    const closing = lower[lt + 1] === "/";
    if (BLOCKS.has(name)) out += name === "li" && !closing ? "\n- " : "\n";
    if (HIDDEN.has(name) && !closing) {
      const endTag = lower.indexOf(`</${name}`, gt);
      if (endTag < 0) return out;
      const endGt = html.indexOf(">", endTag);
      i = endGt < 0 ? html.length : endGt + 1;
      continue;
    }
    i = gt + 1;
  }
  return out;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, code: string) => {
    if (code[0] !== "#") return ENTITIES[code.toLowerCase()] ?? m;
    const n = code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
    return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "";
  });
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
