import { html, LitElement, nothing, type PropertyValues } from "lit";
import type { StartConversationResponse } from "../../protocol/api";
import type { Message } from "../../protocol/frames";
import { MAX_MESSAGE_LENGTH } from "../../protocol/limits";
import { requestJson, RequestError } from "../lib/api";
import { newClientId } from "../lib/client-id";
import { ConversationSocket, type ConnectionState, type PendingMessage } from "../lib/conversation-socket";
import { formatTime } from "../lib/format";
import { chatStyles } from "./styles";
import { loadVisitorState, saveVisitorState, type VisitorState } from "./visitor-store";

/** The API lives where this module was loaded from, whatever page embeds it. */
const API_ORIGIN = new URL(import.meta.url).origin;

export class ParleyChat extends LitElement {
  static override styles = chatStyles;
  static override properties = {
    channel: { type: String },
    isOpen: { state: true },
    messages: { state: true },
    pending: { state: true },
    connection: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare channel: string;
  declare isOpen: boolean;
  declare messages: Message[];
  declare pending: PendingMessage[];
  declare connection: ConnectionState;
  declare error: string;
  declare busy: boolean;

  private state: VisitorState | null = null;
  private socket: ConversationSocket | null = null;

  constructor() {
    super();
    this.channel = "";
    this.isOpen = false;
    this.messages = [];
    this.pending = [];
    this.connection = "connecting";
    this.error = "";
    this.busy = false;
  }

  open(): void {
    this.setOpen(true);
  }

  close(): void {
    this.setOpen(false);
  }

  toggle(): void {
    this.setOpen(!this.isOpen);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.close();
    this.socket = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("channel") && this.channel) {
      this.socket?.close();
      this.socket = null;
      this.messages = [];
      this.state = loadVisitorState(this.channel);
      this.pending = this.state?.pending ?? [];
      if (this.state) this.connect(this.state);
    }
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector(".log");
    if (log) log.scrollTop = log.scrollHeight;
  }

  private setOpen(open: boolean): void {
    if (open === this.isOpen) return;
    this.isOpen = open;
    this.dispatchEvent(new CustomEvent(open ? "parley-open" : "parley-close", { bubbles: true, composed: true }));
    if (open) void this.updateComplete.then(() => this.focusFirst());
  }

  private focusFirst(): void {
    this.renderRoot.querySelector<HTMLElement>("input, textarea")?.focus();
  }

  private connect(state: VisitorState): void {
    const url = `${API_ORIGIN.replace(/^http/, "ws")}/api/widget/conversations/${encodeURIComponent(state.conversationId)}/socket?token=${encodeURIComponent(state.token)}`;
    this.socket = new ConversationSocket(
      () => url,
      {
        message: (m) => {
          this.messages = [...this.messages, m];
          this.dispatchEvent(new CustomEvent("parley-message", { detail: m, bubbles: true, composed: true }));
        },
        pending: (pending) => {
          this.pending = pending;
          if (this.state) saveVisitorState(this.channel, { ...this.state, pending });
        },
        state: (s) => (this.connection = s),
        error: (_code, text) => (this.error = text),
      },
      state.pending,
    );
    this.socket.connect();
  }

  private async start(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.error = "";
    this.busy = true;
    try {
      const res = await requestJson<StartConversationResponse>(
        `${API_ORIGIN}/api/widget/channels/${encodeURIComponent(this.channel)}/conversations`,
        {
          method: "POST",
          json: {
            name: String(data.get("name") ?? ""),
            email: String(data.get("email") ?? ""),
            message: { clientId: newClientId(), body: String(data.get("message") ?? "") },
          },
        },
      );
      this.state = { conversationId: res.conversation.id, token: res.token, pending: [] };
      saveVisitorState(this.channel, this.state);
      this.connect(this.state);
      await this.updateComplete;
      this.focusFirst();
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not reach the chat service. Try again.";
    } finally {
      this.busy = false;
    }
  }

  private sendDraft(textarea: HTMLTextAreaElement): void {
    const body = textarea.value.trim();
    if (!body || !this.socket) return;
    this.socket.send(body);
    textarea.value = "";
  }

  private onComposerKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.sendDraft(e.target as HTMLTextAreaElement);
    }
  }

  private onSendClick(): void {
    const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>(".composer textarea");
    if (textarea) this.sendDraft(textarea);
  }

  override render() {
    return html`
      ${this.isOpen ? this.renderPanel() : nothing}
      <button
        class="launcher"
        part="launcher"
        aria-expanded=${this.isOpen ? "true" : "false"}
        @click=${() => this.toggle()}
      >
        ${this.isOpen ? "Close chat" : "Open chat"}
      </button>
    `;
  }

  private renderPanel() {
    return html`
      <section class="panel" part="panel" role="dialog" aria-label="Chat">
        <header part="header">
          <h2>Chat with us</h2>
          <p>${this.state ? this.connectionText() : "We usually answer within minutes."}</p>
        </header>
        ${this.state ? this.renderChat() : this.renderStartForm()}
      </section>
    `;
  }

  private connectionText(): string {
    if (this.connection === "online") return "Connected";
    if (this.connection === "offline") return "Offline: your messages will be sent when you are back online.";
    return "Connecting…";
  }

  private renderStartForm() {
    return html`
      <form class="start" @submit=${this.start}>
        <label>Name <input name="name" autocomplete="name" required maxlength="120" /></label>
        <label>Email <input name="email" type="email" autocomplete="email" required maxlength="254" /></label>
        <label>
          Message
          <textarea name="message" rows="4" required maxlength=${MAX_MESSAGE_LENGTH}
            placeholder="Describe your question in full"></textarea>
        </label>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>Start chat</button>
      </form>
    `;
  }

  private renderChat() {
    return html`
      <div class="log" role="log" aria-live="polite" aria-label="Messages">
        ${this.messages.map(
          (m) => html`<div class="msg ${m.author.type}">
            <span class="sr-only">${m.author.type === "visitor" ? "You" : m.author.name}:</span><span class="body">${m.body}</span>
            <span class="meta">${m.author.type === "visitor" ? "" : `${m.author.name} · `}${formatTime(m.createdAt)}</span>
          </div>`,
        )}
        ${this.pending.map(
          (p) => html`<div class="msg visitor sending"><span class="body">${p.body}</span><span class="meta">Sending…</span></div>`,
        )}
      </div>
      ${this.error ? html`<p class="error status" role="alert">${this.error}</p>` : nothing}
      <div class="composer">
        <textarea
          aria-label="Message"
          rows="2"
          maxlength=${MAX_MESSAGE_LENGTH}
          placeholder="Write a message"
          @keydown=${this.onComposerKey}
        ></textarea>
        <button class="primary" type="button" @click=${this.onSendClick}>Send</button>
      </div>
    `;
  }
}

// Loading the script twice must not throw: the second definition is simply skipped.
if (!customElements.get("parley-chat")) customElements.define("parley-chat", ParleyChat);
