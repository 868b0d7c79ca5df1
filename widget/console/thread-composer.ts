import { css, html, LitElement, type PropertyValues } from "lit";
import { MAX_MESSAGE_LENGTH } from "../../protocol/limits";
import "./canned-picker";
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

/**
 * The reply box: Ctrl/Cmd+Enter or "Send" sends, "Attach file" or a dropped file uploads.
 * Emits `send` (the text), `attach` (a File) and `typing` (whether the agent is typing).
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
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    disabled: { type: Boolean },
    reason: { type: String },
    draft: { state: true },
  };
  declare conversationId: string;
  declare disabled: boolean;
  /** Why the composer is disabled, shown instead of the hint. */
  declare reason: string;
  declare draft: string;
  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.conversationId = "";
    this.disabled = false;
    this.reason = "";
    this.draft = "";
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
    this.emit("send", body);
    this.draft = "";
    drafts.delete(this.conversationId);
    this.stopTyping();
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
      <div class="box">
        <textarea
          id="message"
          aria-label="Message"
          maxlength=${MAX_MESSAGE_LENGTH}
          placeholder=${this.disabled ? "" : "Write a reply…"}
          .value=${this.draft}
          ?disabled=${this.disabled}
          @input=${this.onInput}
          @keydown=${this.onKey}
        ></textarea>
        <div class="buttons">
          <button class="primary" type="button" ?disabled=${this.disabled} @click=${this.send}>Send</button>
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
      <p class="hint">${this.disabled ? this.reason : "Ctrl+Enter or ⌘+Enter sends. Type / for saved replies. Drop files here to attach them."}</p>
    `;
  }
}

customElements.define("parley-composer", ThreadComposer);
