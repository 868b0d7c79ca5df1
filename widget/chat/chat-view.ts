import { css, html, nothing } from "lit";
import type { Message } from "../../protocol/frames";
import { formatBytes, formatDateTime, formatTime } from "../lib/format";
import { fileProblem } from "./attachment-limits";
import { messageBody, messageBodyStyles } from "../lib/message-body";
import type { LiveConversation } from "./live-conversation";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";
import { attachmentUrl } from "./widget-api";

/** Image types the Worker serves inline; other files are downloads. */
const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/** How close to the bottom counts as "reading the newest": new messages then scroll into view. */
const STICK_PX = 48;

/** The conversation itself: messages, who is typing, the composer, files by button or drop. */
export class ChatView extends SessionView {
  static override styles = [
    viewStyles,
    messageBodyStyles,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
      }
      .notices {
        display: flex;
        flex-direction: column;
        gap: 6px;
        padding: 8px 12px 0;
      }
      .notices:empty {
        display: none;
      }
      .notice .actions {
        display: flex;
        gap: 8px;
        margin-top: 8px;
      }
      .log {
        flex: 1;
        overflow-y: auto;
        padding: 12px 14px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .msg {
        max-width: 82%;
        padding: 8px 11px;
        border-radius: 14px;
        overflow-wrap: anywhere;
        background: var(--surface);
        align-self: flex-start;
        border-bottom-left-radius: 4px;
      }
      .msg.mine {
        align-self: flex-end;
        background: var(--accent);
        color: var(--accent-text);
        border-bottom-left-radius: 14px;
        border-bottom-right-radius: 4px;
      }
      .msg.system {
        align-self: center;
        background: none;
        color: var(--muted);
        font-size: 13px;
        text-align: center;
      }
      .msg.sending {
        opacity: 0.65;
      }
      .body {
        white-space: pre-wrap;
      }
      .body.formatted {
        white-space: normal;
      }
      .offer {
        align-self: center;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 4px 10px;
        font-size: 13px;
        color: var(--muted);
        text-align: center;
      }
      .offer .link {
        font-size: 13px;
      }
      /* Full colour, not faded: small text needs its 4.5:1 contrast on either bubble. */
      .meta {
        display: flex;
        justify-content: flex-end;
        gap: 4px;
        font-size: 12px;
        margin-top: 2px;
        color: var(--muted);
      }
      .msg.mine .meta {
        color: inherit;
      }
      .msg:not(.mine) .meta {
        justify-content: flex-start;
      }
      .msg.system .meta {
        justify-content: center;
      }
      .ticks {
        letter-spacing: -3px;
        padding-right: 3px;
      }
      .ticks.read {
        font-weight: 700;
      }
      .file {
        display: flex;
        flex-direction: column;
        gap: 4px;
        color: inherit;
      }
      .file img {
        display: block;
        align-self: flex-start;
        max-width: 100%;
        max-height: 220px;
        border-radius: 8px;
        background: #fff;
      }
      .file-name {
        display: flex;
        align-items: center;
        gap: 4px;
        text-decoration: underline;
        font-size: 14px;
      }
      .file-name svg {
        flex: none;
      }
      .typing {
        min-height: 20px;
        padding: 0 16px;
        font-size: 13px;
        color: var(--muted);
      }
      .problem {
        margin: 0 12px 6px;
      }
      .composer {
        display: flex;
        align-items: flex-end;
        gap: 6px;
        padding: 10px;
        padding-bottom: max(10px, env(safe-area-inset-bottom));
        border-top: 1px solid var(--line);
      }
      .composer textarea {
        flex: 1;
        field-sizing: content;
        min-height: 42px;
        max-height: 140px;
      }
      .icon {
        display: grid;
        place-items: center;
        width: 42px;
        height: 42px;
        flex: none;
        border-radius: 8px;
        border: 0;
        padding: 0;
      }
      .attach {
        background: none;
        color: var(--muted);
      }
      .attach:hover {
        background: var(--surface);
      }
      .drop {
        position: absolute;
        inset: 8px;
        display: grid;
        place-items: center;
        border: 3px dashed var(--accent);
        border-radius: 12px;
        background: rgb(255 255 255 / 0.92);
        font-weight: 600;
        pointer-events: none;
      }
      input[type="file"] {
        display: none;
      }
    `,
  ];
  static override properties = {
    ...SessionView.properties,
    dragging: { state: true },
    fileError: { state: true },
  };
  declare dragging: boolean;
  declare fileError: string;

  private stick = true;

  constructor() {
    super();
    this.dragging = false;
    this.fileError = "";
    this.addEventListener("dragenter", this.onDrag);
    this.addEventListener("dragover", this.onDrag);
    this.addEventListener("dragleave", (e) => {
      if (!e.relatedTarget || !this.contains(e.relatedTarget as Node)) this.dragging = false;
    });
    this.addEventListener("drop", (e) => {
      e.preventDefault();
      this.dragging = false;
      this.attach([...(e.dataTransfer?.files ?? [])]);
    });
  }

  private readonly onDrag = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes("Files") || !this.canWrite) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    this.dragging = true;
  };

  private get conversation(): LiveConversation | null {
    return this.session.current;
  }

  private get canWrite(): boolean {
    return this.conversation?.status !== "ended";
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector(".log");
    if (log && this.stick) log.scrollTop = log.scrollHeight;
  }

  private onScroll(e: Event): void {
    const log = e.target as HTMLElement;
    this.stick = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_PX;
  }

  private attach(files: File[]): void {
    const conversation = this.conversation;
    const channel = this.session.channel;
    if (!conversation || !channel) return;
    this.fileError = "";
    for (const file of files) {
      const problem = fileProblem(file, channel.attachments, this.session.options.locale);
      if (problem) {
        this.fileError = this.session.t(problem.key, problem.vars);
        continue;
      }
      this.stick = true;
      void conversation.upload(file);
    }
  }

  private send(textarea: HTMLTextAreaElement): void {
    const body = textarea.value;
    if (!body.trim() || !this.conversation) return;
    this.stick = true;
    this.fileError = "";
    this.conversation.send(body);
    textarea.value = "";
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send(e.target as HTMLTextAreaElement);
    }
  }

  override render() {
    const c = this.conversation;
    if (!c) return nothing;
    const t = this.session.t.bind(this.session);
    return html`
      <div class="notices">${this.renderNotices(c)}</div>
      <div class="log" part="log" role="log" aria-live="polite" aria-label=${t("messages")} tabindex="0" @scroll=${this.onScroll}>
        ${c.messages.map((m) => this.renderMessage(m, c))}
        ${c.pending.map(
          (p) => html`<div class="msg mine sending">
            <div class="body formatted">${messageBody(p.body)}</div><span class="meta">${t("sending")}</span>
          </div>`,
        )}
        ${c.uploads.map((u) => html`<div class="msg mine sending"><span class="body">${t("uploading", { name: u.name })}</span></div>`)}
        ${this.renderNotificationOffer()}
      </div>
      <p class="typing" aria-live="polite">${c.typing ? t("typing", { name: c.typing }) : ""}</p>
      ${this.renderProblem(c)}
      ${this.canWrite ? this.renderComposer() : nothing}
      ${this.dragging ? html`<div class="drop" aria-hidden="true">${t("dropFiles")}</div>` : nothing}
    `;
  }

  private renderNotices(c: LiveConversation) {
    const t = this.session.t.bind(this.session);
    return html`${c.connection === "offline" ? html`<p class="notice warning" role="status">${t("offline")}</p>` : nothing}${
      c.idleClosesAt && c.status !== "ended"
        ? html`<p class="notice warning" role="alert">
            ${t("idleWarning", { time: formatTime(c.idleClosesAt, this.session.options.locale) })}
          </p>`
        : nothing
    }${c.status === "ended" ? html`<p class="notice" role="status">${t("conversationEnded")}</p>` : nothing}`;
  }

  /** One quiet line at the end of the log, gone for good once answered either way. */
  private renderNotificationOffer() {
    if (!this.session.notificationOffer) return nothing;
    const t = this.session.t.bind(this.session);
    return html`<p class="offer">
      <span>${t("notifyOffer")}</span>
      <button class="link" type="button" @click=${() => this.session.allowNotifications()}>${t("notifyAllow")}</button>
      <button class="link" type="button" @click=${() => this.session.dismissNotifications()}>${t("notifyDismiss")}</button>
    </p>`;
  }

  private renderProblem(c: LiveConversation) {
    const t = this.session.t.bind(this.session);
    let text = this.fileError;
    if (!text && c.error) {
      text =
        c.error.code === "upload_failed"
          ? t("uploadFailed", { name: c.error.file ?? "", reason: c.error.text || t("networkError") })
          : c.error.code === "conversation_ended"
            ? t("conversationEnded")
            : c.error.code === "rate_limited"
              ? t("slowDown")
              : c.error.text;
    }
    return text ? html`<p class="notice warning problem" role="alert">${text}</p>` : nothing;
  }

  private renderMessage(m: Message, c: LiveConversation) {
    const t = this.session.t.bind(this.session);
    const mine = m.author.type === "visitor";
    const locale = this.session.options.locale;
    const read = mine && c.read.agent >= m.seq;
    return html`<div class="msg ${m.author.type} ${mine ? "mine" : ""}">
      ${m.author.type === "system" ? nothing : html`<span class="sr-only">${mine ? t("you") : m.author.name}:</span>`}
      ${m.event || m.author.type === "system"
        ? html`<span class="body">${this.wording(m, c)}</span>`
        : m.body
          ? html`<div class="body formatted">${messageBody(m.body)}</div>`
          : nothing}
      ${m.attachment ? this.renderAttachment(m.attachment, c) : nothing}
      <span class="meta">
        ${mine || m.author.type === "system" ? "" : `${m.author.name} · `}${formatDateTime(m.createdAt, locale)}
        ${mine
          ? html`<span class="ticks ${read ? "read" : ""}" role="img" aria-label=${t(read ? "read" : "sent")} title=${t(read ? "read" : "sent")}
              >${read ? "✓✓" : "✓"}</span
            >`
          : nothing}
      </span>
    </div>`;
  }

  /** System messages are worded here, in the visitor's language; their body is English. */
  private wording(m: Message, c: LiveConversation): string {
    const t = this.session.t.bind(this.session);
    switch (m.event?.kind) {
      case "joined":
        return t("agentJoined", { name: m.event.agent.name });
      case "reopened":
        return t("visitorReturned");
      case "ended":
        if (m.event.reason === "idle") return t("endedByIdle");
        if (m.event.reason === "visitor_left") return t("endedByVisitorLeft");
        return m.event.reason === "agent" ? t("endedByAgent", { name: c.agent?.name ?? "" }) : t("endedByVisitor");
      default:
        return m.body;
    }
  }

  private renderAttachment(a: NonNullable<Message["attachment"]>, c: LiveConversation) {
    // No link at all until the signed one arrives: an empty href would reload the host page.
    const url = attachmentUrl(c.id, c.token, a, () => this.requestUpdate()) || nothing;
    const size = formatBytes(a.size, this.session.options.locale);
    return html`<a class="file" href=${url} target="_blank" rel="noopener" aria-label=${this.session.t("download", { name: a.name })}>
      ${INLINE_IMAGES.has(a.contentType) ? html`<img src=${url} alt=${a.name} loading="lazy" />` : nothing}
      <span class="file-name">${paperclip(16)}${a.name} (${size})</span>
    </a>`;
  }

  private renderComposer() {
    const t = this.session.t.bind(this.session);
    const channel = this.session.channel;
    return html`<div class="composer" part="composer">
      <input
        type="file"
        multiple
        accept=${channel?.attachments.types.join(",") ?? ""}
        tabindex="-1"
        aria-hidden="true"
        @change=${(e: Event) => {
          const input = e.target as HTMLInputElement;
          this.attach([...(input.files ?? [])]);
          input.value = "";
        }}
      />
      <button class="icon attach" type="button" aria-label=${t("attachFile")} title=${t("attachFile")}
        @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click()}>
        ${paperclip(22)}
      </button>
      <textarea
        aria-label=${t("message")}
        placeholder=${t("composerPlaceholder")}
        rows="1"
        data-autofocus
        maxlength=${channel?.maxMessageLength ?? 4000}
        @keydown=${this.onKey}
        @input=${() => this.conversation?.typed()}
      ></textarea>
      <button class="primary icon" type="button" aria-label=${t("send")} title=${t("send")}
        @click=${() => {
          const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>(".composer textarea");
          if (textarea) this.send(textarea);
        }}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M3.4 20.4l17.45-7.48a1 1 0 0 0 0-1.84L3.4 3.6a.99.99 0 0 0-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z" />
        </svg>
      </button>
    </div>`;
  }
}

const paperclip = (size: number) => html`<svg viewBox="0 0 24 24" width=${size} height=${size} aria-hidden="true" focusable="false">
  <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
    d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l9.2-9.2a3.7 3.7 0 0 1 5.2 5.2l-9.2 9.2a1.8 1.8 0 0 1-2.6-2.6l8.5-8.5" />
</svg>`;

define("parley-chat-view", ChatView);
