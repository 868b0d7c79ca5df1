import { css, html, nothing, type TemplateResult } from "lit";
import { parseMessage, type Block, type Line, type Span } from "../../protocol/message-format";

/**
 * A message body as Lit templates, by the rules of protocol/message-format.ts, for the widget and
 * the console alike. Lit puts every piece of the sender's text in as text (never as markup), and
 * the formatter only makes links of http(s) and mailto addresses, shown as written.
 *
 * @example
 * html`<div class="body">${messageBody(m.body)}</div>`
 */
export function messageBody(body: string): TemplateResult {
  return html`${parseMessage(body).map(block)}`;
}

/** Spacing for the blocks messageBody makes; add to the styles of the component that shows them. */
export const messageBodyStyles = css`
  .formatted p,
  .formatted ul,
  .formatted ol {
    margin: 0;
  }
  .formatted > * + * {
    margin-top: 6px;
  }
  .formatted ul,
  .formatted ol {
    padding-left: 20px;
  }
  .formatted code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
    padding: 0 3px;
    border-radius: 4px;
    background: rgb(127 127 127 / 0.15);
  }
  .formatted a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
    overflow-wrap: anywhere;
  }
`;

function block(b: Block): TemplateResult {
  if (b.type === "paragraph") return html`<p>${b.lines.map((l, i) => html`${i ? html`<br />` : nothing}${line(l)}`)}</p>`;
  const items = b.items.map((item) => html`<li>${line(item)}</li>`);
  return b.ordered ? html`<ol start=${b.start}>${items}</ol>` : html`<ul>${items}</ul>`;
}

const line = (spans: Line): unknown[] => spans.map(span);

function span(s: Span): unknown {
  switch (s.type) {
    case "text":
      return s.text;
    case "code":
      return html`<code>${s.text}</code>`;
    case "bold":
      return html`<strong>${line(s.children)}</strong>`;
    case "italic":
      return html`<em>${line(s.children)}</em>`;
    case "link":
      return html`<a href=${s.href} target="_blank" rel="noopener noreferrer">${s.text}</a>`;
  }
}
