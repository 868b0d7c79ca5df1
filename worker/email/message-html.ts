import { parseMessage, type Block, type Span } from "../../protocol/message-format";

/** The one escape for text and attribute values in an email's HTML. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * A message body as email HTML, formatted by the same rules as the widget and the console
 * (protocol/message-format.ts). Every character the sender wrote goes through escapeHtml; the
 * only tags are the ones written below, so a body can never add markup of its own.
 *
 * @example
 * messageHtml("**Hi** <b>") // "<p><strong>Hi</strong> &lt;b&gt;</p>"
 */
export function messageHtml(body: string): string {
  return parseMessage(body).map(blockHtml).join("");
}

function blockHtml(block: Block): string {
  if (block.type === "paragraph") return `<p>${block.lines.map(lineHtml).join("<br>")}</p>`;
  const items = block.items.map((item) => `<li>${lineHtml(item)}</li>`).join("");
  if (!block.ordered) return `<ul>${items}</ul>`;
  return block.start === 1 ? `<ol>${items}</ol>` : `<ol start="${block.start}">${items}</ol>`;
}

const lineHtml = (spans: Span[]): string => spans.map(spanHtml).join("");

function spanHtml(span: Span): string {
  switch (span.type) {
    case "text":
      return escapeHtml(span.text);
    case "code":
      return `<code>${escapeHtml(span.text)}</code>`;
    case "bold":
      return `<strong>${lineHtml(span.children)}</strong>`;
    case "italic":
      return `<em>${lineHtml(span.children)}</em>`;
    case "link":
      return `<a href="${escapeHtml(span.href)}" rel="noopener noreferrer">${escapeHtml(span.text)}</a>`;
  }
}
