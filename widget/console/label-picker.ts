import { css, html, LitElement, nothing } from "lit";
import type { Label } from "../../protocol/labels";
import { RequestError } from "../lib/api";
import { consoleApi } from "./console-api";
import { labelChip, labelChipStyles } from "./label-chips";
import { consoleStyles } from "./styles";

/**
 * A thread's labels as chips, and the "Labels" button that puts labels on it or takes them off.
 * Fires `labels-changed` (bubbling, composed; `detail` is the thread's labels now).
 */
export class LabelPicker extends LitElement {
  static override styles = [
    consoleStyles,
    labelChipStyles,
    css`
      :host { display: inline-flex; gap: 6px; align-items: center; flex-wrap: wrap; position: relative; }
      .toggle { padding: 2px 9px; font-size: 12px; }
      .menu { position: absolute; top: calc(100% + 4px); left: 0; z-index: 20; min-width: 220px; max-height: 300px; overflow: auto; padding: 8px; background: #fff; border: 1px solid #d9dde7; border-radius: 10px; box-shadow: 0 8px 28px rgb(0 0 0 / 0.18); display: grid; gap: 4px; }
      .menu label { display: flex; gap: 8px; align-items: center; padding: 4px 6px; border-radius: 6px; cursor: pointer; font-size: 13px; }
      .menu label:hover { background: #f1f3f8; }
      .menu p { margin: 4px 6px; font-size: 13px; }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    value: { attribute: false },
    all: { state: true },
    open: { state: true },
    error: { state: true },
  };
  declare conversationId: string;
  /** The thread's labels. */
  declare value: Label[];
  declare all: Label[] | null;
  declare open: boolean;
  declare error: string;

  constructor() {
    super();
    this.conversationId = "";
    this.value = [];
    this.all = null;
    this.open = false;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("pointerdown", this.onOutside);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("pointerdown", this.onOutside);
  }

  private readonly onOutside = (e: Event) => {
    if (this.open && !e.composedPath().includes(this)) this.open = false;
  };

  /** Opens the list and focuses its first box: the `l` shortcut lands here. */
  async show(): Promise<void> {
    this.open = true;
    this.error = "";
    // Fetched on each opening: an admin may have added labels since.
    this.all = (await consoleApi.labels().catch(() => null))?.labels ?? this.all;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(".menu input")?.focus();
  }

  private async toggle(label: Label, on: boolean): Promise<void> {
    this.error = "";
    try {
      const { labels } = on ? await consoleApi.addLabel(this.conversationId, label.id) : await consoleApi.removeLabel(this.conversationId, label.id);
      this.value = labels;
      this.dispatchEvent(new CustomEvent<Label[]>("labels-changed", { detail: labels, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not reach the server. Try again.";
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    this.open = false;
    this.renderRoot.querySelector<HTMLButtonElement>(".toggle")?.focus();
  }

  override render() {
    const on = new Set(this.value.map((l) => l.id));
    return html`
      ${this.value.map(labelChip)}
      <button class="secondary toggle" type="button" aria-expanded=${this.open ? "true" : "false"} @click=${() => (this.open ? (this.open = false) : this.show())}>
        Labels
      </button>
      ${this.open
        ? html`<div class="menu" role="group" aria-label="Labels of this conversation" @keydown=${this.onKey}>
            ${this.all === null
              ? html`<p class="muted">Loading…</p>`
              : this.all.length === 0
                ? html`<p class="muted">No labels yet. Admins add them under Administration → Labels.</p>`
                : this.all.map(
                    (l) => html`<label>
                      <input type="checkbox" .checked=${on.has(l.id)} @change=${(e: Event) => this.toggle(l, (e.target as HTMLInputElement).checked)} />
                      ${labelChip(l)}
                    </label>`,
                  )}
            ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          </div>`
        : nothing}
    `;
  }
}

if (!customElements.get("parley-label-picker")) customElements.define("parley-label-picker", LabelPicker);
