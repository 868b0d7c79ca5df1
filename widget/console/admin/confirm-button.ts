import { css, html, LitElement } from "lit";
import { adminStyles } from "./admin-styles";

/**
 * A button for something that cannot be undone: the first press asks in place, with the
 * question read out (role="alert") and focus on the confirming button; Escape or "Cancel" backs out.
 */
export class ConfirmButton extends LitElement {
  static override styles = [adminStyles, css`:host { display: inline-block; }`];
  static override properties = {
    label: { type: String },
    question: { type: String },
    confirmLabel: { type: String, attribute: "confirm-label" },
    accessibleName: { type: String, attribute: "accessible-name" },
    asking: { state: true },
  };
  declare label: string;
  declare question: string;
  declare confirmLabel: string;
  /** Names the button for screen readers when its visible label is shared by several rows. */
  declare accessibleName: string;
  declare asking: boolean;

  constructor() {
    super();
    this.label = "";
    this.question = "";
    this.confirmLabel = "";
    this.accessibleName = "";
    this.asking = false;
  }

  private async ask(): Promise<void> {
    this.asking = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(".danger.solid")?.focus();
  }

  private async cancel(): Promise<void> {
    this.asking = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>("button")?.focus();
  }

  private confirm(): void {
    this.asking = false;
    this.dispatchEvent(new CustomEvent("confirmed", { bubbles: true, composed: true }));
  }

  override render() {
    if (!this.asking) {
      return html`<button class="danger" type="button" aria-label=${this.accessibleName || this.label} @click=${this.ask}>${this.label}</button>`;
    }
    return html`
      <span class="actions" @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.cancel()}>
        <span role="alert">${this.question}</span>
        <button class="danger solid" type="button" @click=${this.confirm}>${this.confirmLabel || this.label}</button>
        <button class="secondary" type="button" @click=${this.cancel}>Cancel</button>
      </span>
    `;
  }
}

customElements.define("parley-admin-confirm-button", ConfirmButton);
