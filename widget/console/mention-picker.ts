import { css, html, LitElement, nothing } from "lit";
import type { WorkspaceAgent } from "../../protocol/console";
import { consoleStyles } from "./styles";

/** `@` at the start or after a space, then the name typed so far (no line breaks, at most 40 characters). */
const AT = /(?:^|\s)@([^\n@]{0,40})$/;
const SHOWN = 8;
const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/**
 * The `@name` list of a private note. Typing `@` in the textarea named by `for` (while `active`)
 * offers the workspace's agents whose name starts with, or has a word starting with, what follows;
 * arrows and Enter (or Tab) insert `@Full Name `, Esc leaves. Emits `mention` (detail: the agent),
 * bubbling and composed, so the composer knows whom the note names.
 */
export class MentionPicker extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; position: relative; }
      .pop {
        position: absolute; left: 18px; bottom: 4px; z-index: 30; width: min(320px, calc(100vw - 36px));
        background: #fff; border: 1px solid #d9dde7; border-radius: 12px; box-shadow: 0 10px 32px rgb(0 0 0 / 0.2); padding: 6px;
      }
      [role="listbox"] { display: grid; gap: 2px; }
      [role="option"] { padding: 7px 9px; border-radius: 8px; cursor: pointer; display: flex; justify-content: space-between; gap: 8px; }
      [role="option"][aria-selected="true"] { background: #fff1c2; box-shadow: inset 3px 0 0 #8a6500; }
      .role { font-size: 12px; color: #5b6272; }
      .empty { margin: 6px 8px; font-size: 13px; color: #5b6272; }
    `,
  ];
  static override properties = {
    for: { type: String },
    active: { type: Boolean },
    agents: { attribute: false },
    query: { state: true },
    selected: { state: true },
  };
  /** The id of the textarea in the same shadow root. */
  declare for: string;
  /** Only a note mentions anyone: the list stays shut while the agent writes a reply. */
  declare active: boolean;
  declare agents: WorkspaceAgent[];
  /** What follows the `@`; null while the list is shut. */
  declare query: string | null;
  declare selected: number;
  private root: Document | ShadowRoot | null = null;
  private atIndex = -1;

  constructor() {
    super();
    this.for = "";
    this.active = false;
    this.agents = [];
    this.query = null;
    this.selected = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.root = this.getRootNode() as Document | ShadowRoot;
    this.root.addEventListener("input", this.onInput, true);
    this.root.addEventListener("keydown", this.onKey as EventListener, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.root?.removeEventListener("input", this.onInput, true);
    this.root?.removeEventListener("keydown", this.onKey as EventListener, true);
  }

  private target(): HTMLTextAreaElement | null {
    return (this.root?.querySelector(`#${CSS.escape(this.for)}`) as HTMLTextAreaElement | null) ?? null;
  }

  private shownAgents(): WorkspaceAgent[] {
    const q = fold(this.query ?? "");
    return this.agents.filter((a) => fold(a.name).startsWith(q) || fold(a.name).split(/\s+/).some((w) => w.startsWith(q))).slice(0, SHOWN);
  }

  private readonly onInput = (e: Event) => {
    const ta = this.target();
    if (e.target !== ta || !ta) return;
    const match = this.active ? AT.exec(ta.value.slice(0, ta.selectionStart)) : null;
    if (!match) return this.close();
    this.atIndex = ta.selectionStart - match[1]!.length - 1;
    this.query = match[1]!;
    this.selected = 0;
    if (this.shownAgents().length === 0 && this.query.includes(" ")) this.close();
  };

  private readonly onKey = (e: KeyboardEvent) => {
    if (this.query === null || e.target !== this.target()) return;
    const shown = this.shownAgents();
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && shown.length) {
      this.selected = (this.selected + (e.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
    } else if ((e.key === "Enter" || e.key === "Tab") && !e.ctrlKey && !e.metaKey && !e.shiftKey && shown[this.selected]) {
      this.pick(shown[this.selected]!);
    } else if (e.key === "Escape") {
      this.close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
  };

  private pick(agent: WorkspaceAgent): void {
    const ta = this.target();
    if (!ta) return;
    ta.focus();
    ta.setRangeText(`@${agent.name} `, this.atIndex, ta.selectionStart, "end");
    this.close();
    this.dispatchEvent(new CustomEvent<WorkspaceAgent>("mention", { detail: agent, bubbles: true, composed: true }));
    ta.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
  }

  close(): void {
    this.query = null;
    this.atIndex = -1;
  }

  override render() {
    if (this.query === null || !this.active) return nothing;
    const shown = this.shownAgents();
    return html`<div class="pop">
      ${shown.length === 0
        ? html`<p class="empty">No agent named “${this.query}”.</p>`
        : html`<div role="listbox" aria-label="Mention an agent" aria-activedescendant=${`mention-${this.selected}`}>
            ${shown.map(
              (a, i) => html`<div
                role="option"
                id=${`mention-${i}`}
                aria-selected=${i === this.selected ? "true" : "false"}
                @pointerdown=${(e: Event) => e.preventDefault()}
                @click=${() => this.pick(a)}
              >
                <span>${a.name}</span><span class="role">${a.role === "admin" ? "Admin" : "Agent"}</span>
              </div>`,
            )}
          </div>`}
      <p class="sr-only" aria-live="polite">${shown.length} ${shown.length === 1 ? "agent" : "agents"}${shown[this.selected] ? `. ${shown[this.selected]!.name}` : ""}</p>
    </div>`;
  }
}

if (!customElements.get("parley-mention-picker")) customElements.define("parley-mention-picker", MentionPicker);
