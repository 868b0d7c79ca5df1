import { css, html, LitElement } from "lit";
import { SHORTCUTS, type ShortcutAction } from "./shortcuts";
import { consoleStyles } from "./styles";

/** The `?` sheet: every shortcut that works here, with the visible control that does the same. */
export class ShortcutsSheet extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: contents; }
      dialog { max-width: 560px; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eceef3; font-size: 14px; vertical-align: top; }
      th { font-size: 12px; text-transform: uppercase; color: #5b6272; }
      kbd { display: inline-block; min-width: 26px; text-align: center; padding: 1px 7px; border: 1px solid #c5cad6; border-bottom-width: 2px; border-radius: 6px; background: #f7f8fb; font: 13px/1.5 ui-monospace, monospace; }
      .control { color: #5b6272; font-size: 13px; }
    `,
  ];
  static override properties = { left: { attribute: false } };
  /** Shortcuts this console does not offer (the note shortcut before notes exist). */
  declare left: ReadonlySet<ShortcutAction>;

  constructor() {
    super();
    this.left = new Set();
  }

  show(): void {
    this.renderRoot.querySelector("dialog")?.showModal();
  }

  override render() {
    return html`<dialog aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p class="muted">They work whenever you are not typing in a field.</p>
      <table>
        <thead><tr><th scope="col">Key</th><th scope="col">What it does</th><th scope="col">Same as</th></tr></thead>
        <tbody>
          ${SHORTCUTS.filter((s) => !this.left.has(s.action)).map(
            (s) => html`<tr><td><kbd>${s.key}</kbd></td><td>${s.what}</td><td class="control">${s.control}</td></tr>`,
          )}
        </tbody>
      </table>
      <div class="dialog-actions">
        <button class="primary" type="button" @click=${() => this.renderRoot.querySelector("dialog")?.close()}>Close</button>
      </div>
    </dialog>`;
  }
}

if (!customElements.get("parley-shortcuts-sheet")) customElements.define("parley-shortcuts-sheet", ShortcutsSheet);
