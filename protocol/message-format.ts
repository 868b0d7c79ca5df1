/**
 * Light formatting of message bodies, read the same way by the widget, the console and the
 * emails: `**bold**`, `*italics*` or `_italics_`, `` `code` ``, lines starting with `- ` or `1. `
 * as lists, line breaks, and http(s) and mailto addresses as links. It only ever yields a tree of
 * these few kinds; each front end turns the tree into its own output (Lit templates, escaped HTML),
 * so nothing the sender wrote ever becomes markup. No DOM: the Worker uses it too.
 *
 * @example
 * parseMessage("See **https://example.com**")
 * // [{ type: "paragraph", lines: [[{ type: "text", text: "See " }, { type: "bold", children: [{ type: "link", href: "https://example.com", text: "https://example.com" }] }]] }]
 */
export type Span =
  | { type: "text"; text: string }
  | { type: "bold" | "italic"; children: Span[] }
  | { type: "code"; text: string }
  /** `href` is exactly the `text` shown: a link never hides where it goes. */
  | { type: "link"; href: string; text: string };

/** A line is a list of spans; a paragraph's lines are separated by line breaks. */
export type Line = Span[];

export type Block =
  | { type: "paragraph"; lines: Line[] }
  | { type: "list"; ordered: boolean; start: number; items: Line[] };

const BULLET = /^[ \t]*- (.*)$/;
const NUMBERED = /^[ \t]*(\d{1,6})[.)] (.*)$/;
/** Only these schemes ever become links: `javascript:`, `data:` and the rest stay text. */
const URL_START = /^(?:https?:\/\/|mailto:)[^\s<>"'`]+/i;
/** Punctuation that ends a sentence rather than the address it follows. */
const TRAILING = /[.,;:!?'"*_]+$/;

export function parseMessage(body: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: Line[] = [];
  let list: Extract<Block, { type: "list" }> | null = null;
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: "paragraph", lines: paragraph });
    paragraph = [];
  };
  for (const line of body.replace(/\r\n?/g, "\n").split("\n")) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      endParagraph();
      const ordered = numbered !== null;
      if (!list || list.ordered !== ordered) {
        list = { type: "list", ordered, start: numbered ? Number(numbered[1]) : 1, items: [] };
        blocks.push(list);
      }
      list.items.push(parseInline(bullet ? bullet[1]! : numbered![2]!));
      continue;
    }
    list = null;
    if (line.trim() === "") endParagraph();
    else paragraph.push(parseInline(line));
  }
  endParagraph();
  return blocks;
}

/** Links in a body, as the formatter would make them (for tests and previews). */
export const linksOf = (blocks: Block[]): string[] => {
  const found: string[] = [];
  const walk = (spans: Span[]) =>
    spans.forEach((s) => (s.type === "link" ? found.push(s.href) : s.type === "bold" || s.type === "italic" ? walk(s.children) : undefined));
  for (const b of blocks) (b.type === "paragraph" ? b.lines : b.items).forEach(walk);
  return found;
};

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
/** `_` italicises only whole words, so snake_case_names and __dunder__ stay as written. */
const inWord = (c: string | undefined) => c === "_" || isWordChar(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

/**
 * One line's spans. Emphasis never spans lines and never nests inside itself, so the depth of
 * the tree is bounded whatever the input.
 */
function parseInline(text: string, inside: ReadonlySet<"bold" | "italic"> = new Set()): Span[] {
  const spans: Span[] = [];
  let plain = "";
  const flush = () => {
    if (plain) spans.push({ type: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const before = text[i - 1];
    if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end > i + 1) {
        flush();
        spans.push({ type: "code", text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (c === "*" && text[i + 1] === "*" && !inside.has("bold")) {
      const end = closing(text, "**", i + 2);
      if (end > 0) {
        flush();
        spans.push({ type: "bold", children: parseInline(text.slice(i + 2, end), new Set([...inside, "bold"])) });
        i = end + 2;
        continue;
      }
    } else if ((c === "*" || (c === "_" && !inWord(before))) && !inside.has("italic")) {
      const end = closing(text, c, i + 1);
      if (end > 0 && (c === "*" || !inWord(text[end + 1]))) {
        flush();
        spans.push({ type: "italic", children: parseInline(text.slice(i + 1, end), new Set([...inside, "italic"])) });
        i = end + 1;
        continue;
      }
    } else if ((c === "h" || c === "H" || c === "m" || c === "M") && !isWordChar(before)) {
      const url = linkAt(text, i);
      if (url) {
        flush();
        spans.push({ type: "link", href: url, text: url });
        i += url.length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return spans;
}

/**
 * Where a `marker` run opened at `from` closes: the content must not start or end with a space
 * (so "2 * 3 * 4" stays arithmetic), and a single `*` is not half of a `**`. -1 when it never closes.
 */
function closing(text: string, marker: string, from: number): number {
  if (isSpace(text[from]) || text.startsWith(marker, from)) return -1;
  for (let end = text.indexOf(marker, from + 1); end > 0; end = text.indexOf(marker, end + 1)) {
    if (isSpace(text[end - 1])) continue;
    if (marker === "*" && (text[end + 1] === "*" || text[end - 1] === "*")) continue;
    return end;
  }
  return -1;
}

/** The address starting at `i`, without the sentence's closing punctuation or an unmatched ")". */
function linkAt(text: string, i: number): string | null {
  const match = URL_START.exec(text.slice(i, i + 2048));
  if (!match) return null;
  let url = match[0].replace(TRAILING, "");
  while (url.endsWith(")") && count(url, "(") < count(url, ")")) url = url.slice(0, -1).replace(TRAILING, "");
  // A scheme with nothing after it ("https://", "mailto:") is not an address.
  return /^(?:https?:\/\/[^/?#]+|mailto:[^?]+)/i.test(url) ? url : null;
}

const count = (s: string, c: string) => s.split(c).length - 1;
