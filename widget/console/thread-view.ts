import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { Agent } from "../../protocol/api";
import type { Attention, ConversationAttachment, ConversationDetail, WorkspaceAgent } from "../../protocol/console";
import type { ConversationProgress, Message, ReadState, VisitorContext, VisitorPresence } from "../../protocol/frames";
import { RequestError } from "../lib/api";
import { ConversationSocket, type ConnectionState, type ConversationFrame, type PendingMessage } from "../lib/conversation-socket";
import { formatDateTime, formatTime } from "../lib/format";
import { consoleApi } from "./console-api";
import { consoleStyles } from "./styles";
import { sentence } from "./text";
import { ATTENTION_LABEL } from "./words";
import type { ContextPanel } from "./context-panel";
import "./context-panel";
import "./label-picker";
import { Colleagues } from "./thread-colleagues";
import "./thread-composer";
import type { NoteDetail, ThreadComposer } from "./thread-composer";
import { formatSize, messageStyles, renderMessage, renderPending } from "./thread-messages";

const READ_DELAY_MS = 400;
/** How long the outcome of an action ("Transcript emailed to …") stays on screen. */
const NOTICE_MS = 8000;
const NO_ADMINS = "No other administrator to notify: an admin can add one under Administration → Agents.";
const TYPING_SHOWN_MS = 6000;

const STATUS_TEXT = { queued: "Waiting in the queue", active: "Live chat", ended: "Chat ended" } as const;

/**
 * One thread: its live messages over the room's socket, and everything an agent does with it.
 * Tells the shell when the thread changed (`conversation-changed`), was deleted
 * (`conversation-deleted`), or should be accepted from the queue (`accept-chat`).
 */
export class ThreadView extends LitElement {
  static override styles = [
    consoleStyles,
    messageStyles,
    css`
      /* The messages keep a readable height; when the header, the context and the composer leave less, the whole thread scrolls. */
      :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: #fff; overflow-y: auto; }
      .log { flex: 1 1 0; min-height: 240px; }
      header { padding: 12px 18px 10px; border-bottom: 1px solid #e3e6ee; display: grid; gap: 8px; }
      .title { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
      h2 { margin: 0; font-size: 18px; }
      .who { color: #5b6272; font-size: 13px; }
      .controls { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
      .controls label { display: flex; gap: 6px; align-items: center; font-size: 13px; }
      .controls select { padding: 4px 6px; }
      .toolbar { display: flex; gap: 6px; flex-wrap: wrap; }
      .toolbar button { padding: 5px 10px; font-size: 13px; }
      .extras { display: flex; gap: 18px; padding: 0 18px; flex-wrap: wrap; }
      details { font-size: 13px; padding: 6px 0; }
      summary { cursor: pointer; color: #3d4455; font-weight: 600; }
      details ul { list-style: none; padding: 0; margin: 6px 0; display: grid; gap: 4px; }
      details li { display: flex; gap: 8px; align-items: center; }
      pre.note { white-space: pre-wrap; background: #f7f8fb; border: 1px solid #e3e6ee; border-radius: 8px; padding: 8px 10px; max-height: 220px; overflow: auto; margin: 6px 0; font: 12px/1.5 ui-monospace, monospace; }
      [role="status"] { font-size: 13px; color: #13622f; padding: 0 18px; margin: 4px 0; min-height: 0; }
      .alert { font-size: 13px; color: #b3261e; padding: 0 18px; margin: 4px 0; }
      .placeholder { margin: auto; color: #5b6272; }
      @media print {
        :host { display: block; height: auto; }
        .controls, .toolbar, .extras, parley-composer, .typing, [role="status"], .alert, .viewers { display: none !important; }
        :host(:not([print-notes])) .msg.note { display: none !important; }
        header { border: 0; padding: 0 0 8px; }
        .log { overflow: visible; height: auto; padding: 0; }
        .msg { break-inside: avoid; max-width: 85%; }
        .msg:not(.system) { border: 1px solid #c5cad6; }
        .msg.agent { background: #fff; color: #1d2330; }
        .msg.agent a { color: #1d2330; }
      }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    me: { attribute: false },
    agents: { attribute: false },
    canAccept: { type: Boolean },
    conversation: { state: true },
    progress: { state: true },
    visitor: { state: true },
    visitorContext: { state: true },
    read: { state: true },
    messages: { state: true },
    pending: { state: true },
    connection: { state: true },
    files: { state: true },
    typing: { state: true },
    notice: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare conversationId: string;
  declare me: Agent | null;
  declare agents: WorkspaceAgent[];
  /** The agent is available, so a waiting thread can be accepted from here too. */
  declare canAccept: boolean;
  declare conversation: ConversationDetail | null;
  declare progress: ConversationProgress | null;
  /** Whether the customer has the page open, pushed by the room as it changes. */
  declare visitor: VisitorPresence | null;
  /** The page the visitor is on and their trail, pushed by the room (the context panel shows it). */
  declare visitorContext: VisitorContext | null;
  declare read: ReadState;
  declare messages: Message[];
  declare pending: PendingMessage[];
  declare connection: ConnectionState;
  declare files: ConversationAttachment[] | null;
  declare typing: string;
  declare notice: string;
  declare error: string;
  declare busy: boolean;
  private socket: ConversationSocket | null = null;
  private readonly colleagues = new Colleagues(this, () => this.me?.id);
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private readSent = 0;

  constructor() {
    super();
    this.conversationId = "";
    this.me = null;
    this.agents = [];
    this.canAccept = false;
    this.reset();
  }

  private reset(): void {
    this.conversation = null;
    this.progress = null;
    this.visitor = null;
    this.visitorContext = null;
    this.read = { visitor: 0, agent: 0 };
    this.messages = [];
    this.pending = [];
    this.connection = "connecting";
    this.files = null;
    this.typing = "";
    this.notice = "";
    this.error = "";
    this.busy = false;
    this.readSent = 0;
    this.colleagues?.clear();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.socket?.close();
    clearTimeout(this.readTimer);
    clearTimeout(this.typingTimer);
    clearTimeout(this.noticeTimer);
  }

  private readonly onVisibility = () => this.markRead();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("conversationId")) return;
    this.socket?.close();
    this.socket = null;
    clearTimeout(this.readTimer);
    this.reset();
    if (this.conversationId) void this.load(this.conversationId);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("messages") || changed.has("pending")) {
      const log = this.renderRoot.querySelector(".log");
      if (log) log.scrollTop = log.scrollHeight;
    }
  }

  private async load(id: string): Promise<void> {
    try {
      const { conversation } = await consoleApi.conversation(id);
      if (id !== this.conversationId) return;
      this.conversation = conversation;
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not load the conversation.";
      return;
    }
    void this.loadFiles();
    const url = `${location.origin.replace(/^http/, "ws")}/api/console/conversations/${encodeURIComponent(id)}/socket`;
    this.socket = new ConversationSocket(() => url, {
      message: (m) => {
        this.messages = [...this.messages, m];
        if (m.attachment) void this.loadFiles();
        if (m.author.type === "visitor") this.typing = "";
        this.markRead();
      },
      pending: (p) => (this.pending = p),
      state: (s) => (this.connection = s),
      error: (_code, text) => (this.error = text),
      frame: (f) => this.onFrame(f),
    });
    this.socket.connect();
  }

  private onFrame(f: ConversationFrame): void {
    switch (f.type) {
      case "ready":
      case "status": {
        const changed = this.progress !== null && (this.progress.status !== f.status || this.progress.agent?.id !== f.agent?.id);
        this.progress = { status: f.status, agent: f.agent, queuePosition: f.queuePosition, endedBy: f.endedBy };
        if (f.type === "ready") {
          this.read = f.read;
          this.visitor = f.visitor;
        }
        if (changed) void this.reload();
        return;
      }
      case "presence":
        this.visitor = { online: f.online, leftAt: f.leftAt };
        return;
      case "context":
        this.visitorContext = f.context;
        return;
      case "feedback":
        void this.renderRoot.querySelector<ContextPanel>("parley-context-panel")?.reload();
        return;
      case "read":
        this.read = f.read;
        return;
      case "viewers":
        this.colleagues.viewers(f.agents);
        return;
      case "typing":
        if (f.author.type === "agent" && f.author.id) return this.colleagues.typing({ id: f.author.id, name: f.author.name }, f.active, f.note === true);
        if (f.author.type !== "visitor") return;
        this.typing = f.active ? `${this.customerLabel()} is typing…` : "";
        clearTimeout(this.typingTimer);
        if (f.active) this.typingTimer = setTimeout(() => (this.typing = ""), TYPING_SHOWN_MS);
        return;
    }
  }

  /** A reply goes out at once; if a colleague was typing one too, a word says so, without stopping either. */
  private sendReply(body: string): void {
    this.socket?.send(body);
    const crossing = this.colleagues.crossing();
    if (crossing.length === 0) return;
    this.notice = `${crossing.join(" and ")} ${crossing.length === 1 ? "was" : "were"} typing a reply too: check that you are not both answering.`;
    clearTimeout(this.noticeTimer);
    const notice = this.notice;
    this.noticeTimer = setTimeout(() => this.notice === notice && (this.notice = ""), NOTICE_MS);
  }

  /** Print leaves the private notes out unless asked for them: a printout often goes to the customer. */
  private print(withNotes: boolean): void {
    this.toggleAttribute("print-notes", withNotes);
    print();
  }

  /** Read ticks for the visitor, and this agent's unread count, once the thread is actually on screen. */
  private markRead(): void {
    const last = this.messages.at(-1)?.seq ?? 0;
    if (document.visibilityState !== "visible" || last <= this.readSent) return;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const id = this.conversationId;
      this.readSent = last;
      this.socket?.control({ type: "read", seq: last });
      void consoleApi
        .read(id, last)
        .then(() => this.changed())
        .catch(() => (this.readSent = 0));
    }, READ_DELAY_MS);
  }

  private async reload(): Promise<void> {
    const id = this.conversationId;
    try {
      const { conversation } = await consoleApi.conversation(id);
      if (id === this.conversationId) this.conversation = conversation;
    } catch (err) {
      if (err instanceof RequestError && err.status === 404) this.error = "This conversation no longer exists.";
    }
  }

  private async loadFiles(): Promise<void> {
    const id = this.conversationId;
    const { attachments } = await consoleApi.attachments(id).catch(() => ({ attachments: null }));
    if (id === this.conversationId && attachments) this.files = attachments;
  }

  private changed(): void {
    this.dispatchEvent(new CustomEvent("conversation-changed", { bubbles: true, composed: true }));
  }

  /** Runs one action, showing its outcome; the buttons stay disabled while it runs. */
  private async act(work: () => Promise<string | void>): Promise<void> {
    this.busy = true;
    this.error = "";
    this.notice = "";
    try {
      const notice = (await work()) ?? "";
      this.notice = notice;
      clearTimeout(this.noticeTimer);
      this.noticeTimer = setTimeout(() => this.notice === notice && (this.notice = ""), NOTICE_MS);
      await this.reload();
      this.changed();
    } catch (err) {
      this.error = err instanceof RequestError ? sentence(err.message) : "Could not reach the server. Try again.";
    } finally {
      this.busy = false;
    }
  }

  private customerLabel(): string {
    return this.conversation?.contact.label ?? "Customer";
  }

  private setAttention(attention: Attention): void {
    void this.act(async () => {
      await consoleApi.update(this.conversationId, { attention });
      return `Marked ${ATTENTION_LABEL[attention]}.`;
    });
  }

  private assign(agentId: string): void {
    void this.act(async () => {
      const { conversation } = await consoleApi.update(this.conversationId, { responsibleAgentId: agentId });
      return `${conversation.responsibleAgent?.name ?? "The agent"} is now responsible.`;
    });
  }

  private archive(archived: boolean): void {
    void this.act(async () => {
      await consoleApi.update(this.conversationId, { archived });
      return archived ? "Archived. Find it under the Archived filter." : "Unarchived.";
    });
  }

  private endChat(): void {
    void this.act(async () => {
      await consoleApi.end(this.conversationId);
      return "Chat ended. Its transcript is kept as the request note.";
    });
  }

  private emailTranscript(): void {
    void this.act(async () => `Transcript emailed to ${(await consoleApi.emailTranscript(this.conversationId)).to}.`);
  }

  /** Whether "Notify administrators" reaches anyone: the server never notifies the one who asks. */
  private otherAdmins(): boolean {
    return this.agents.some((a) => a.role === "admin" && a.id !== this.me?.id);
  }

  private notifyAdmins(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const note = String(new FormData(form).get("note") ?? "");
    this.dialog("notify")?.close();
    void this.act(async () => {
      const { notified } = await consoleApi.notifyAdmins(this.conversationId, note);
      // Only once it went out: a failed attempt keeps the note for the next one.
      form.reset();
      return notified === 0 ? "There are no other administrators to notify." : `${notified} administrator${notified === 1 ? "" : "s"} notified.`;
    });
  }

  private async deleteThread(): Promise<void> {
    this.dialog("delete")?.close();
    this.busy = true;
    try {
      await consoleApi.remove(this.conversationId);
      this.dispatchEvent(new CustomEvent<string>("conversation-deleted", { detail: this.conversationId, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof RequestError ? sentence(err.message) : "Could not delete the conversation. Try again.";
    } finally {
      this.busy = false;
    }
  }

  private upload(file: File): void {
    void this.act(async () => {
      await consoleApi.upload(this.conversationId, file);
      await this.loadFiles();
      return `${file.name} attached.`;
    });
  }

  private deleteFile(file: ConversationAttachment): void {
    void this.act(async () => {
      await consoleApi.deleteAttachment(this.conversationId, file.id);
      await this.loadFiles();
      return `${file.name} deleted.`;
    });
  }

  private dialog(name: string): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>(`dialog.${name}`);
  }

  /** "Visitor online" or "Visitor left 14:02": said at once, so an agent never writes to an empty page unawares. */
  private renderPresence() {
    const v = this.visitor;
    if (!v || (!v.online && v.leftAt === null)) return nothing;
    // Announced politely as it changes; not a status role, which the thread's own notices use.
    return html`<span class="chip ${v.online ? "active" : "ended"}" aria-live="polite">
      ${v.online ? "Visitor online" : `Visitor left ${formatTime(v.leftAt!)}`}
    </span>`;
  }

  /** The customer emailed after an earlier conversation ended: both ends of the link, one click away. */
  private renderFollowUps(c: ConversationDetail) {
    if (!c.followUpOf && c.followUps.length === 0) return nothing;
    const link = (l: { id: string; subject: string }) => html`<a href=${`#view=inbox&c=${encodeURIComponent(l.id)}`}>${l.subject}</a>`;
    return html`<div class="who follow-ups">
      ${c.followUpOf ? html`Follow-up of ${link(c.followUpOf)}` : nothing}
      ${c.followUps.length ? html`${c.followUpOf ? " · " : ""}Continued in ${c.followUps.map((l, i) => html`${i ? ", " : ""}${link(l)}`)}` : nothing}
    </div>`;
  }

  private renderHeader(c: ConversationDetail) {
    const status = this.progress?.status ?? c.status;
    const ended = status === "ended";
    const responsible = this.progress?.agent ?? c.responsibleAgent;
    const position = status === "queued" && this.progress?.queuePosition ? ` (#${this.progress.queuePosition})` : "";
    return html`<header>
      <div class="title">
        <h2>${c.subject}</h2>
        <span class="chip ${status}">${STATUS_TEXT[status]}${position}</span>
        ${c.archived ? html`<span class="chip">Archived</span>` : nothing}
        ${this.connection === "online" ? nothing : html`<span class="chip">${this.connection}</span>`}
        ${this.renderPresence()}
        ${this.colleagues.viewing.length
          ? html`<span class="chip viewers" aria-live="polite" title="They have this thread open now">Also viewing: ${this.colleagues.viewing.map((a) => a.name).join(", ")}</span>`
          : nothing}
        <parley-label-picker .conversationId=${c.id} .value=${c.labels} @labels-changed=${() => this.changed()}></parley-label-picker>
      </div>
      <div class="who">
        ${c.contact.name} &lt;${c.contact.email}&gt;${c.contact.emailVerified
          ? nothing
          : html` <span class="chip" title="Typed by an anonymous visitor: nothing proves the address is theirs">unverified</span>`}${c.contact.account ? html` · ${c.contact.account.name}` : nothing} · started
        ${formatDateTime(c.createdAt)}
      </div>
      ${this.renderFollowUps(c)}
      <div class="controls">
        ${status === "queued" && this.canAccept
          ? html`<button class="primary" type="button" @click=${() => this.dispatchEvent(new CustomEvent<string>("accept-chat", { detail: c.id, bubbles: true, composed: true }))}>
              Accept
            </button>`
          : nothing}
        <label>
          Status
          <select ?disabled=${this.busy} @change=${(e: Event) => this.setAttention((e.target as HTMLSelectElement).value as Attention)}>
            <option value="attentive" ?selected=${c.attention === "attentive"}>${ATTENTION_LABEL.attentive}</option>
            <option value="answered" ?selected=${c.attention === "answered"}>${ATTENTION_LABEL.answered}</option>
          </select>
        </label>
        <label>
          Responsible agent
          <select ?disabled=${this.busy} @change=${(e: Event) => this.assign((e.target as HTMLSelectElement).value)}>
            ${responsible ? nothing : html`<option value="" selected disabled>Nobody yet</option>`}
            ${this.agents.map((a) => html`<option value=${a.id} ?selected=${a.id === responsible?.id}>${a.name}</option>`)}
          </select>
        </label>
      </div>
      <div class="toolbar" role="toolbar" aria-label="Thread actions">
        <button class="secondary" type="button" ?disabled=${this.busy || ended} @click=${this.endChat}>End chat</button>
        ${c.archived
          ? html`<button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.archive(false)}>Unarchive</button>`
          : html`<button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.archive(true)}>Archive</button>`}
        <button class="secondary" type="button" @click=${() => this.print(false)}>Print</button>
        <button class="secondary" type="button" @click=${() => this.print(true)}>Print with notes</button>
        <button class="secondary" type="button" ?disabled=${this.busy} @click=${this.emailTranscript}>Email transcript</button>
        <button
          class="secondary"
          type="button"
          ?disabled=${this.busy || !this.otherAdmins()}
          title=${this.otherAdmins() ? "" : NO_ADMINS}
          aria-describedby=${this.otherAdmins() ? nothing : "no-admins"}
          @click=${() => this.dialog("notify")?.showModal()}
        >
          Notify administrators
        </button>
        ${this.otherAdmins() ? nothing : html`<span id="no-admins" class="sr-only">${NO_ADMINS}</span>`}
        ${this.me?.role === "admin"
          ? html`<button class="danger" type="button" ?disabled=${this.busy} @click=${() => this.dialog("delete")?.showModal()}>Delete</button>`
          : nothing}
      </div>
    </header>`;
  }

  private renderExtras(c: ConversationDetail) {
    const files = this.files ?? [];
    return html`<div class="extras">
      <details>
        <summary>Files (${files.length})</summary>
        ${files.length === 0
          ? html`<p class="muted">No files.</p>`
          : html`<ul>
              ${files.map(
                (f) => html`<li>
                  <a href=${f.url} target="_blank" rel="noopener">${f.name}</a>
                  <span class="muted">${formatSize(f.size)} · ${f.uploadedBy === "agent" ? "agent" : "customer"}</span>
                  <a href=${f.url} download=${f.name} aria-label="Download ${f.name}">Download</a>
                  <button class="link" type="button" aria-label="Delete file ${f.name}" ?disabled=${this.busy} @click=${() => this.deleteFile(f)}>
                    Delete file
                  </button>
                </li>`,
              )}
            </ul>`}
      </details>
      <details @toggle=${(e: Event) => (e.target as HTMLDetailsElement).open && void this.reload()}>
        <summary>Request note</summary>
        ${c.requestNote ? html`<pre class="note">${c.requestNote}</pre>` : html`<p class="muted">The transcript appears here as messages arrive.</p>`}
      </details>
    </div>`;
  }

  private renderDialogs() {
    return html`
      <dialog class="delete" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete this conversation?</h2>
        <p>Its messages and files are removed for good. This cannot be undone.</p>
        <div class="dialog-actions">
          <button class="secondary" type="button" @click=${() => this.dialog("delete")?.close()}>Cancel</button>
          <button class="danger solid" type="button" @click=${this.deleteThread}>Delete permanently</button>
        </div>
      </dialog>
      <dialog class="notify" aria-labelledby="notify-title">
        <form @submit=${this.notifyAdmins}>
          <h2 id="notify-title">Notify administrators</h2>
          <p class="muted">Every administrator gets an email and a notification in the console.</p>
          <label class="field">Note (optional) <textarea name="note" maxlength="1000" rows="3"></textarea></label>
          <div class="dialog-actions">
            <button class="secondary" type="button" @click=${() => this.dialog("notify")?.close()}>Cancel</button>
            <button class="primary" type="submit">Send notification</button>
          </div>
        </form>
      </dialog>
    `;
  }

  override render() {
    if (!this.conversationId) return html`<p class="placeholder">Select a conversation.</p>`;
    const c = this.conversation;
    if (!c) return html`<p class="placeholder ${this.error ? "error" : ""}">${this.error || "Loading…"}</p>`;
    const ended = (this.progress?.status ?? c.status) === "ended";
    const ctx = {
      customerLabel: this.customerLabel(),
      read: this.read,
      liveFiles: this.files ? new Set(this.files.map((f) => f.id)) : null,
      agentNames: new Map(this.agents.map((a) => [a.id, a.name])),
      conversationId: c.id,
    };
    return html`
      ${this.renderHeader(c)} ${this.renderExtras(c)}
      <parley-context-panel .conversationId=${c.id} .visitor=${this.visitor} .context=${this.visitorContext}></parley-context-panel>
      <p role="status">${this.notice}</p>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <div class="log" role="log" aria-live="polite" aria-label="Messages" tabindex="0">
        ${this.messages.map((m) => renderMessage(m, ctx))} ${this.pending.map(renderPending)}
      </div>
      <p class="typing" aria-live="polite">${[this.typing, this.colleagues.typingLine()].filter(Boolean).join(" ")}</p>
      <parley-composer
        .conversationId=${c.id}
        ?disabled=${ended}
        reason="This chat has ended."
        .agents=${this.agents.filter((a) => a.id !== this.me?.id)}
        @send=${(e: CustomEvent<string>) => this.sendReply(e.detail)}
        @note=${(e: CustomEvent<NoteDetail>) => this.socket?.send(e.detail.body, { visibility: "note", mentions: e.detail.mentions })}
        @attach=${(e: CustomEvent<File>) => this.upload(e.detail)}
        @typing=${(e: CustomEvent<boolean>) =>
          this.socket?.control({ type: "typing", active: e.detail, ...((e.target as ThreadComposer).note ? { note: true } : {}) })}
      ></parley-composer>
      ${this.renderDialogs()}
    `;
  }
}


customElements.define("parley-thread", ThreadView);
