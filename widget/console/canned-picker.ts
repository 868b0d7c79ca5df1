import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { Agent } from "../../protocol/api";
import type { CannedResponse, ReplyList } from "../../protocol/canned-responses";
import { RequestError } from "../lib/api";
import { consoleApi } from "./console-api";
import { fillReply, fold, type ReplyContext } from "./fill-reply";
import { consoleStyles } from "./styles";

type Faq = ReplyList["faqs"][number];
type Item = { kind: "reply"; reply: CannedResponse } | { kind: "faq"; faq: Faq };

/** `/word` right before the caret, at the start of the text or after a space: what the agent is narrowing by. */
const SLASH = /(?:^|\s)\/([\p{L}\p{N}_-]{0,40})$/u;
const SHOWN = 50;

let me: Promise<Agent | null> | null = null;
const signedInAgent = () => (me ??= consoleApi.me().then((r) => r.agent, () => null));

const haystack = (item: Item) =>
  fold(item.kind === "reply" ? `${item.reply.shortcut} ${item.reply.title} ${item.reply.body}` : `${item.faq.question} ${item.faq.answer}`);

/**
 * Saved replies and the channel's FAQs for the composer. Typing `/` in the textarea named by `for`
 * (at the start or after a space) opens the list; typing narrows it, arrows and Enter insert, Esc
 * leaves. The "Saved replies" button opens the same list with its own search box. Inserting fills
 * the variables and the visitor's locale variant and leaves the text editable; the textarea gets an
 * `input` event as if the agent had typed it.
 */
export class CannedPicker extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; position: relative; }
      .toggle { width: 100%; }
      .pop {
        position: absolute; right: 0; bottom: calc(100% + 8px); z-index: 30; width: min(540px, calc(100vw - 24px));
        background: #fff; border: 1px solid #d9dde7; border-radius: 12px; box-shadow: 0 10px 32px rgb(0 0 0 / 0.2);
        display: grid; gap: 6px; padding: 10px;
      }
      .pop input { width: 100%; }
      .lead { margin: 0; font-size: 13px; color: #5b6272; }
      [role="listbox"] { max-height: min(320px, 45vh); overflow-y: auto; display: grid; gap: 2px; margin: 0; padding: 0; }
      [role="option"] { display: grid; gap: 2px; padding: 7px 9px; border-radius: 8px; cursor: pointer; }
      [role="option"][aria-selected="true"] { background: #e7edff; box-shadow: inset 3px 0 0 #2f5bea; }
      .top { display: flex; gap: 8px; align-items: baseline; }
      .shortcut { font: 12px/1.4 ui-monospace, monospace; color: #1f44b8; }
      .title { font-weight: 600; }
      .preview { font-size: 12px; color: #5b6272; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .hint { margin: 0; font-size: 12px; color: #5b6272; }
      .empty { margin: 6px 4px; color: #5b6272; font-size: 13px; }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    for: { type: String },
    disabled: { type: Boolean },
    open: { state: true },
    mode: { state: true },
    query: { state: true },
    items: { state: true },
    active: { state: true },
    error: { state: true },
  };
  declare conversationId: string;
  /** The id of the textarea in the same shadow root that `/` works in and replies go into. */
  declare for: string;
  declare disabled: boolean;
  declare open: boolean;
  /** slash: narrowed by what follows `/` in the textarea; search: by the list's own box. */
  declare mode: "slash" | "search";
  declare query: string;
  declare items: Item[] | null;
  declare active: number;
  declare error: string;
  private context: ReplyContext | null = null;
  private loadedFor = "";
  private slashAt = -1;
  private root: Document | ShadowRoot | null = null;

  constructor() {
    super();
    this.conversationId = "";
    this.for = "";
    this.disabled = false;
    this.open = false;
    this.mode = "slash";
    this.query = "";
    this.items = null;
    this.active = 0;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Listening on the shared root, in the capture phase, so the list's keys win over the composer's.
    this.root = this.getRootNode() as Document | ShadowRoot;
    this.root.addEventListener("input", this.onInput, true);
    this.root.addEventListener("keydown", this.onTextKey as EventListener, true);
    document.addEventListener("pointerdown", this.onOutside);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.root?.removeEventListener("input", this.onInput, true);
    this.root?.removeEventListener("keydown", this.onTextKey as EventListener, true);
    document.removeEventListener("pointerdown", this.onOutside);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("conversationId") && changed.get("conversationId") !== undefined) this.close();
    if (changed.has("disabled") && this.disabled) this.close();
  }

  private target(): HTMLTextAreaElement | null {
    return (this.root?.querySelector(`#${CSS.escape(this.for)}`) as HTMLTextAreaElement | null) ?? null;
  }

  private readonly onOutside = (e: Event) => {
    if (this.open && !e.composedPath().includes(this) && !e.composedPath().includes(this.target()!)) this.close();
  };

  private readonly onInput = (e: Event) => {
    const ta = this.target();
    if (e.target !== ta || !ta || this.disabled) return;
    const match = SLASH.exec(ta.value.slice(0, ta.selectionStart));
    if (!match) {
      if (this.open && this.mode === "slash") this.close();
      return;
    }
    this.slashAt = ta.selectionStart - match[1]!.length - 1;
    this.show("slash", match[1]!);
  };

  private readonly onTextKey = (e: KeyboardEvent) => {
    if (!this.open || this.mode !== "slash" || e.target !== this.target()) return;
    if (this.onListKey(e)) e.stopImmediatePropagation();
  };

  /** Arrows, Enter and Esc while the list is open; true when the key was the list's. */
  private onListKey(e: KeyboardEvent): boolean {
    const shown = this.filtered();
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (shown.length) this.active = (this.active + (e.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
      void this.updateComplete.then(() => this.renderRoot.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" }));
    } else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      const item = shown[this.active];
      if (!item) return false;
      this.insert(item);
    } else if (e.key === "Escape") {
      this.close();
      this.target()?.focus();
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  }

  /** Opens the list: from `/` in the textarea, or with its own search box (the button). */
  show(mode: "slash" | "search", query = ""): void {
    if (this.disabled) return;
    if (!this.open || this.mode !== mode) this.active = 0;
    if (this.query !== query) this.active = 0;
    this.mode = mode;
    this.query = query;
    this.open = true;
    void this.load();
    if (mode === "search") void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(".pop input")?.focus());
  }

  close(): void {
    this.open = false;
    this.slashAt = -1;
  }

  private async load(): Promise<void> {
    const id = this.conversationId;
    if (this.loadedFor === id && this.items) return;
    this.loadedFor = id;
    this.items = null;
    this.error = "";
    try {
      const [list, { conversation }, agent] = await Promise.all([consoleApi.replies(id, ""), consoleApi.conversation(id), signedInAgent()]);
      if (id !== this.conversationId) return;
      this.items = [
        ...list.cannedResponses.map((reply): Item => ({ kind: "reply", reply })),
        ...list.faqs.map((faq): Item => ({ kind: "faq", faq })),
      ];
      this.context = {
        contact: { name: conversation.contact.name, email: conversation.contact.email },
        agentName: agent?.name ?? "",
        conversationId: conversation.id,
        locale: conversation.locale,
      };
    } catch (err) {
      this.loadedFor = "";
      this.error = err instanceof RequestError ? err.message : "Could not load the saved replies.";
    }
  }

  private filtered(): Item[] {
    const words = fold(this.query).split(/\s+/).filter(Boolean);
    const all = this.items ?? [];
    const hits = words.length ? all.filter((item) => words.every((w) => haystack(item).includes(w))) : all;
    // A reply whose shortcut starts with what was typed is almost surely the one meant.
    const first = words[0];
    const lead = first ? hits.filter((i) => i.kind === "reply" && i.reply.shortcut.startsWith(first)) : [];
    return [...lead, ...hits.filter((i) => !lead.includes(i))].slice(0, SHOWN);
  }

  private insert(item: Item): void {
    const ta = this.target();
    if (!ta || !this.context) return;
    const text = item.kind === "reply" ? fillReply(item.reply, this.context) : item.faq.answer;
    const [start, end] = this.mode === "slash" && this.slashAt >= 0 ? [this.slashAt, ta.selectionStart] : [ta.selectionStart, ta.selectionEnd];
    this.close();
    ta.focus();
    ta.setRangeText(text, start, end, "end");
    ta.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
  }

  private renderItem(item: Item, index: number) {
    const selected = index === this.active;
    return html`<div
      role="option"
      id=${`reply-${index}`}
      aria-selected=${selected ? "true" : "false"}
      @pointerdown=${(e: Event) => e.preventDefault()}
      @click=${() => this.insert(item)}
    >
      ${item.kind === "reply"
        ? html`<span class="top"><span class="title">${item.reply.title}</span><span class="shortcut">/${item.reply.shortcut}</span>
              ${item.reply.scope === "personal" ? html`<span class="chip">Personal</span>` : nothing}</span>
            <span class="preview">${item.reply.body}</span>`
        : html`<span class="top"><span class="title">${item.faq.question}</span><span class="chip answered">FAQ</span></span>
            <span class="preview">${item.faq.answer}</span>`}
    </div>`;
  }

  private renderList() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    if (!this.items) return html`<p class="empty">Loading…</p>`;
    const shown = this.filtered();
    if (shown.length === 0) {
      return html`<p class="empty">${this.items.length ? "Nothing matches." : "No saved replies yet. Add yours under Saved replies."}</p>`;
    }
    return html`<div role="listbox" aria-label="Saved replies and FAQs" aria-activedescendant=${`reply-${this.active}`} tabindex="-1">
      ${shown.map((item, i) => this.renderItem(item, i))}
    </div>`;
  }

  override render() {
    const shown = this.open && this.items ? this.filtered() : [];
    const current = shown[this.active];
    return html`
      <button
        class="secondary toggle"
        type="button"
        aria-expanded=${this.open ? "true" : "false"}
        ?disabled=${this.disabled}
        @click=${() => (this.open ? this.close() : this.show("search"))}
      >
        Saved replies
      </button>
      ${this.open
        ? html`<div class="pop" role="dialog" aria-label="Saved replies">
            ${this.mode === "search"
              ? html`<input
                  type="search"
                  aria-label="Search saved replies"
                  placeholder="Search saved replies and FAQs"
                  .value=${this.query}
                  @input=${(e: Event) => ((this.query = (e.target as HTMLInputElement).value), (this.active = 0))}
                  @keydown=${(e: KeyboardEvent) => this.onListKey(e)}
                />`
              : html`<p class="lead">Saved replies matching “/${this.query}”</p>`}
            ${this.renderList()}
            <p class="hint">↑ ↓ choose · Enter inserts · Esc leaves</p>
            <p class="sr-only" aria-live="polite">
              ${this.items ? `${shown.length} ${shown.length === 1 ? "match" : "matches"}${current ? `. ${current.kind === "reply" ? current.reply.title : current.faq.question}` : ""}` : ""}
            </p>
          </div>`
        : nothing}
    `;
  }
}

if (!customElements.get("parley-canned-picker")) customElements.define("parley-canned-picker", CannedPicker);
