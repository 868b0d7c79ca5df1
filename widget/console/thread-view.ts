import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { ConversationSummary } from "../../protocol/api";
import type { Message } from "../../protocol/frames";
import { MAX_MESSAGE_LENGTH } from "../../protocol/limits";
import { requestJson, RequestError } from "../lib/api";
import { ConversationSocket, type ConnectionState, type PendingMessage } from "../lib/conversation-socket";
import { formatDateTime } from "../lib/format";
import { consoleStyles } from "./styles";

export class ThreadView extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
      header { padding: 12px 18px; border-bottom: 1px solid #e3e6ee; }
      header h2 { margin: 0; font-size: 17px; }
      header p { margin: 2px 0 0; color: #5b6272; font-size: 13px; }
      .log { flex: 1; overflow-y: auto; padding: 16px 18px; display: flex; flex-direction: column; gap: 10px; }
      .msg { max-width: 70%; padding: 8px 12px; border-radius: 10px; overflow-wrap: anywhere; }
      .msg .body { white-space: pre-wrap; }
      .msg.agent { align-self: flex-end; background: #2f5bea; color: #fff; }
      .msg.visitor, .msg.system { align-self: flex-start; background: #eef0f5; }
      .msg .meta { display: block; font-size: 11px; opacity: 0.8; margin-top: 3px; }
      .msg.sending { opacity: 0.6; }
      .composer { display: flex; gap: 8px; padding: 12px 18px; border-top: 1px solid #e3e6ee; }
      .composer textarea { flex: 1; resize: vertical; min-height: 60px; }
      .hint { font-size: 12px; color: #5b6272; padding: 0 18px 8px; margin: 0; }
      .placeholder { margin: auto; color: #5b6272; }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    conversation: { state: true },
    messages: { state: true },
    pending: { state: true },
    connection: { state: true },
    error: { state: true },
  };
  declare conversationId: string;
  declare conversation: ConversationSummary | null;
  declare messages: Message[];
  declare pending: PendingMessage[];
  declare connection: ConnectionState;
  declare error: string;
  private socket: ConversationSocket | null = null;

  constructor() {
    super();
    this.conversationId = "";
    this.conversation = null;
    this.messages = [];
    this.pending = [];
    this.connection = "connecting";
    this.error = "";
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("conversationId")) return;
    this.socket?.close();
    this.socket = null;
    this.messages = [];
    this.pending = [];
    this.conversation = null;
    this.error = "";
    if (this.conversationId) void this.load(this.conversationId);
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector(".log");
    if (log) log.scrollTop = log.scrollHeight;
  }

  private async load(id: string): Promise<void> {
    try {
      const { conversation } = await requestJson<{ conversation: ConversationSummary }>(
        `/api/console/conversations/${encodeURIComponent(id)}`,
      );
      if (id !== this.conversationId) return;
      this.conversation = conversation;
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not load the conversation.";
      return;
    }
    const url = `${location.origin.replace(/^http/, "ws")}/api/console/conversations/${encodeURIComponent(id)}/socket`;
    this.socket = new ConversationSocket(() => url, {
      message: (m) => (this.messages = [...this.messages, m]),
      pending: (p) => (this.pending = p),
      state: (s) => (this.connection = s),
      error: (_code, text) => (this.error = text),
    });
    this.socket.connect();
  }

  private send(): void {
    const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>(".composer textarea");
    const body = textarea?.value.trim();
    if (!textarea || !body || !this.socket) return;
    this.socket.send(body);
    textarea.value = "";
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.send();
    }
  }

  override render() {
    if (!this.conversationId) return html`<p class="placeholder">Select a conversation.</p>`;
    const c = this.conversation;
    return html`
      <header>
        <h2>${c?.subject ?? "Loading…"}</h2>
        <p>${c ? `${c.contact.name} <${c.contact.email}>` : ""} ${this.connection === "online" ? "" : `· ${this.connection}`}</p>
      </header>
      <div class="log" role="log" aria-live="polite" aria-label="Messages">
        ${this.messages.map(
          (m) => html`<div class="msg ${m.author.type}">
            <span class="sr-only">${m.author.name}:</span><span class="body">${m.body}</span>
            <span class="meta">${m.author.name} · ${formatDateTime(m.createdAt)}</span>
          </div>`,
        )}
        ${this.pending.map((p) => html`<div class="msg agent sending"><span class="body">${p.body}</span><span class="meta">Sending…</span></div>`)}
      </div>
      ${this.error ? html`<p class="error hint" role="alert">${this.error}</p>` : nothing}
      <div class="composer">
        <textarea aria-label="Message" maxlength=${MAX_MESSAGE_LENGTH} placeholder="Reply…" @keydown=${this.onKey}></textarea>
        <button class="primary" type="button" @click=${this.send}>Send</button>
      </div>
      <p class="hint">Ctrl+Enter or ⌘+Enter sends.</p>
    `;
  }
}

customElements.define("parley-thread", ThreadView);
