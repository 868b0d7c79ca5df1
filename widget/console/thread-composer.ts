import { css, html, LitElement, type PropertyValues } from "lit";
import { MAX_MESSAGE_LENGTH } from "../../protocol/limits";
import "./canned-picker";
import type { WorkspaceAgent } from "../../protocol/console";
import "./mention-picker";
import { consoleStyles } from "./styles";

/** Unsent text per conversation, kept while the agent moves between threads. */
const drafts = new Map<string, string>();

/** The browser asks before leaving while any thread has an unsent draft. */
function warnBeforeLeaving(e: BeforeUnloadEvent): void {
  if ([...drafts.values()].some((d) => d.trim() !== "")) {
    e.preventDefault();
    e.returnValue = "";
  }
}
addEventListener("beforeunload", warnBeforeLeaving);

const TYPING_REPEAT_MS = 2500;
const TYPING_IDLE_MS = 4000;

/** What a private note says and whom it @mentions (agent ids). */
export type NoteDetail = { body: string; mentions: string[] };

/**
 * The reply box: Ctrl/Cmd+Enter or "Send" sends, "Attach file" or a dropped file uploads.
 * With "Private note" on it writes a note for agents instead, where `@` offers agents by name.
 * Emits `send` (the text), `note` (a NoteDetail), `attach` (a File) and `typing` (whether the
 * agent is typing; `note` on the element says which kind).
 */
export class ThreadComposer extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; border-top: 1px solid #e3e6ee; background: #fff; }
      .box { display: flex; gap: 8px; padding: 10px 18px 4px; align-items: flex-end; }
      textarea { flex: 1; resize: vertical; min-height: 64px; max-height: 40vh; }
      .buttons { display: flex; flex-direction: column; gap: 6px; }
      .hint { font-size: 12px; color: #5b6272; padding: 0 18px 8px; margin: 0; }
      :host([dragging]) .box { outline: 2px dashed #2f5bea; outline-offset: -4px; }
      input[type="file"] { display: none; }
      .mode { display: flex; gap: 6px; align-items: center; padding: 8px 18px 0; font-size: 13px; color: #3d4455; }
      .mode input { margin: 0; }
      :host([noting]) { background: #fffbea; }
      :host([noting]) textarea { background: #fff8db; border-color: #c99a00; }
      :host([noting]) .mode { color: #6b4f00; font-weight: 600; }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    disabled: { type: Boolean },
    reason: { type: String },
    agents: { attribute: false },
    note: { type: Boolean, reflect: true, attribute: "noting" },
    draft: { state: true },
  };
  declare conversationId: string;
  declare disabled: boolean;
  /** Why the composer is disabled, shown instead of the hint. */
  declare reason: string;
  declare draft: string;
  /** Who a note can mention. */
  declare agents: WorkspaceAgent[];
  /** Whether the agent is writing a private note rather than a reply. */
  declare note: boolean;
  /** Agents picked from the `@` list for the draft; only those still named in it at sending are mentioned. */
  private picked = new Map<string, string>();
  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.conversationId = "";
    this.disabled = false;
    this.reason = "";
    this.draft = "";
    this.agents = [];
    this.note = false;
    this.addEventListener("mention", (e) => {
      const agent = (e as CustomEvent<WorkspaceAgent>).detail;
      this.picked.set(agent.id, agent.name);
    });
    this.addEventListener("dragover", (e) => {
      if (this.disabled) return;
      e.preventDefault();
      this.toggleAttribute("dragging", true);
    });
    this.addEventListener("dragleave", () => this.toggleAttribute("dragging", false));
    this.addEventListener("drop", (e) => {
      e.preventDefault();
      this.toggleAttribute("dragging", false);
      if (this.disabled) return;
      for (const file of e.dataTransfer?.files ?? []) this.emit("attach", file);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTyping();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("conversationId")) {
      const previous = changed.get("conversationId");
      if (previous) this.stopTyping();
      this.draft = drafts.get(this.conversationId) ?? "";
    }
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private onInput(e: InputEvent): void {
    this.draft = (e.target as HTMLTextAreaElement).value;
    drafts.set(this.conversationId, this.draft);
    if (Date.now() - this.typingSentAt > TYPING_REPEAT_MS) {
      this.typingSentAt = Date.now();
      this.emit("typing", true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.idleTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    this.emit("typing", false);
  }

  private send(): void {
    const body = this.draft.trim();
    if (!body || this.disabled) return;
    if (this.note) {
      const mentions = [...this.picked].filter(([, name]) => body.includes(`@${name}`)).map(([id]) => id);
      this.emit<NoteDetail>("note", { body, mentions });
    } else {
      this.emit("send", body);
    }
    this.picked.clear();
    this.draft = "";
    drafts.delete(this.conversationId);
    this.stopTyping();
  }

  private toggleNote(e: Event): void {
    this.stopTyping();
    this.note = (e.target as HTMLInputElement).checked;
    this.picked.clear();
    this.renderRoot.querySelector("textarea")?.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.send();
    }
  }

  private pickFiles(e: Event): void {
    const input = e.target as HTMLInputElement;
    for (const file of input.files ?? []) this.emit("attach", file);
    input.value = "";
  }

  override render() {
    return html`
      <label class="mode">
        <input type="checkbox" role="switch" .checked=${this.note} ?disabled=${this.disabled} @change=${this.toggleNote} />
        Private note
      </label>
      <parley-mention-picker for="message" .agents=${this.agents} ?active=${this.note}></parley-mention-picker>
      <div class="box">
        <textarea
          id="message"
          aria-label="Message"
          maxlength=${MAX_MESSAGE_LENGTH}
          placeholder=${this.disabled ? "" : this.note ? "Private note for agents; the customer never sees it. Type @ to mention someone." : "Write a reply…"}
          .value=${this.draft}
          ?disabled=${this.disabled}
          @input=${this.onInput}
          @keydown=${this.onKey}
        ></textarea>
        <div class="buttons">
          <button class="primary" type="button" ?disabled=${this.disabled} @click=${this.send}>${this.note ? "Add note" : "Send"}</button>
          <button
            class="secondary"
            type="button"
            ?disabled=${this.disabled}
            @click=${() => this.renderRoot.querySelector<HTMLInputElement>("input[type=file]")?.click()}
          >
            Attach file
          </button>
          <parley-canned-picker for="message" .conversationId=${this.conversationId} ?disabled=${this.disabled}></parley-canned-picker>
          <input type="file" multiple tabindex="-1" aria-hidden="true" @change=${this.pickFiles} />
        </div>
      </div>
      <p class="hint">${this.disabled
        ? this.reason
        : this.note
          ? "Ctrl+Enter or ⌘+Enter adds the note. Only agents see it; @name notifies a colleague."
          : "Ctrl+Enter or ⌘+Enter sends. Type / for saved replies. Drop files here to attach them."}</p>
    `;
  }
}

customElements.define("parley-composer", ThreadComposer);
