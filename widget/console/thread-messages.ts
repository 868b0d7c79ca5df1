import { css, html, nothing } from "lit";
import type { Attachment, Message, ReadState } from "../../protocol/frames";
import type { PendingMessage } from "../lib/conversation-socket";
import { formatBytes, formatDateTime } from "../lib/format";
import { paperclipIcon } from "./icons";
// Message bodies are formatted by the widget's rules (widget/lib/message-body.ts), never as HTML.
import { messageBody, messageBodyStyles } from "../lib/message-body";
import "./original-email";

export type MessageContext = {
  /** How the customer is named on their messages: the contact's name, or their email when no contact matches. */
  customerLabel: string;
  read: ReadState;
  /** Ids of the thread's files that still exist; null until known. */
  liveFiles: Set<string> | null;
  /** Agents' names by id, to pick out the ones a note mentions. */
  agentNames?: Map<string, string>;
  /** For the "Original email" of a message that came by email. */
  conversationId?: string;
};

export const messageStyles = css`
  ${messageBodyStyles}
  .msg .body.formatted { white-space: normal; }
  .log { flex: 1; overflow-y: auto; padding: 16px 18px; display: flex; flex-direction: column; gap: 10px; min-height: 0; }
  .msg { max-width: 72%; padding: 8px 12px; border-radius: 10px; overflow-wrap: anywhere; }
  .msg .body { white-space: pre-wrap; }
  .msg.agent { align-self: flex-end; background: #2f5bea; color: #fff; }
  .msg.agent a { color: #fff; }
  .msg.visitor { align-self: flex-start; background: #eef0f5; }
  .msg.system { align-self: center; background: none; color: #5b6272; font-size: 12px; padding: 2px 8px; }
  /* Full colour: faded, the time under an agent's message fell below 4.5:1 on its blue. */
  .msg .meta { display: flex; gap: 6px; justify-content: flex-end; font-size: 11px; margin-top: 3px; }
  .msg.visitor .meta { color: #4a5160; }
  .msg.visitor .meta { justify-content: flex-start; }
  .msg.sending { opacity: 0.6; }
  .file { display: flex; flex-direction: column; gap: 4px; }
  .file img { max-width: 240px; max-height: 180px; border-radius: 6px; display: block; background: #fff; }
  .file .gone { font-style: italic; opacity: 0.8; }
  .ticks { letter-spacing: -2px; }
  .typing { font-size: 12px; color: #5b6272; padding: 0 18px 6px; min-height: 18px; margin: 0; }
  .msg.note { align-self: stretch; max-width: none; background: #fff6d6; color: #3d3000; border: 1px dashed #b58900; }
  .msg.note .meta { justify-content: flex-start; color: #5c4600; opacity: 1; }
  .msg.note .label { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: #6b4f00; display: block; margin-bottom: 2px; }
  .msg.note .mention { font-weight: 600; background: #ffe58a; border-radius: 4px; padding: 0 2px; }
`;

/** The clientId the email handler gives a message it posts (worker/email/inbound/receive.ts). */
const EMAILED = /^email-[\w-]+$/;

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/** The widget's size formatter, so both front ends write "12 kB" alike. */
export const formatSize = (bytes: number): string => formatBytes(bytes);

function renderFile(a: Attachment, ctx: MessageContext) {
  if (ctx.liveFiles && !ctx.liveFiles.has(a.id)) return html`<span class="file"><span class="gone">${a.name} (file deleted)</span></span>`;
  return html`<span class="file">
    ${IMAGE_TYPES.has(a.contentType)
      ? html`<a href=${a.url} target="_blank" rel="noopener"><img src=${a.url} alt=${a.name} loading="lazy" /></a>`
      : nothing}
    <a href=${a.url} download=${a.name}>${paperclipIcon} ${a.name} (${formatSize(a.size)})</a>
  </span>`;
}

function ticks(m: Message, ctx: MessageContext) {
  const read = ctx.read.visitor >= m.seq;
  return html`<span class="ticks" title=${read ? "Read" : "Sent"} aria-label=${read ? "Read" : "Sent"}>${read ? "✓✓" : "✓"}</span>`;
}

function authorOf(m: Message, ctx: MessageContext): string {
  return m.author.type === "visitor" ? ctx.customerLabel : m.author.name;
}

/** A note's text with each `@Name` of an agent it mentions picked out. */
function noteBody(body: string, names: string[]) {
  if (names.length === 0) return body;
  const pattern = new RegExp(`(@(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}))`, "g");
  return body.split(pattern).map((part, i) => (i % 2 === 1 ? html`<span class="mention">${part}</span>` : part));
}

/** A private note: set apart, and said to be one, so that nobody takes it for what the customer read. */
function renderNote(m: Message, ctx: MessageContext) {
  const names = (m.mentions ?? []).flatMap((id) => ctx.agentNames?.get(id) ?? []);
  return html`<div class="msg note">
    <span class="label">Private note</span>
    <span class="body">${noteBody(m.body, names)}</span>
    <span class="meta"><span>${m.author.name} · ${formatDateTime(m.createdAt)} · only agents see this</span></span>
  </div>`;
}

export function renderMessage(m: Message, ctx: MessageContext) {
  if (m.author.type === "system") return html`<div class="msg system">${m.body} · ${formatDateTime(m.createdAt)}</div>`;
  if (m.visibility === "note") return renderNote(m, ctx);
  const author = authorOf(m, ctx);
  return html`<div class="msg ${m.author.type}">
    <span class="sr-only">${author}:</span>
    ${m.body ? html`<div class="body formatted">${messageBody(m.body)}</div>` : nothing}
    ${m.attachment ? renderFile(m.attachment, ctx) : nothing}
    ${m.body && ctx.conversationId && EMAILED.test(m.clientId)
      ? html`<parley-original-email .conversationId=${ctx.conversationId} .clientId=${m.clientId}></parley-original-email>`
      : nothing}
    <span class="meta">
      <span>${author} · ${formatDateTime(m.createdAt)}</span>
      ${m.author.type === "agent" ? ticks(m, ctx) : nothing}
    </span>
  </div>`;
}

export function renderPending(p: PendingMessage) {
  if (p.visibility === "note") {
    return html`<div class="msg note sending"><span class="label">Private note</span><span class="body">${p.body}</span><span class="meta">Saving…</span></div>`;
  }
  return html`<div class="msg agent sending"><span class="body">${p.body}</span><span class="meta">Sending…</span></div>`;
}
