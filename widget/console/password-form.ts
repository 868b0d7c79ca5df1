import { css, html, LitElement, nothing } from "lit";
import { MIN_PASSWORD_LENGTH } from "../../protocol/limits";
import { RequestError } from "../lib/api";
import { consoleApi } from "./console-api";
import { consoleStyles } from "./styles";
import { sentence } from "./text";

/**
 * The signed-in agent changes their own password: the current one, then the new one. Their
 * other sessions end on the server; this one stays. Call `open()` to show it.
 */
export class PasswordForm extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      label { display: flex; flex-direction: column; gap: 4px; font-weight: 600; font-size: 13px; }
      .done { color: #1f7a45; }
    `,
  ];
  static override properties = { error: { state: true }, busy: { state: true }, done: { state: true } };
  declare error: string;
  declare busy: boolean;
  declare done: boolean;

  constructor() {
    super();
    this.error = "";
    this.busy = false;
    this.done = false;
  }

  open(): void {
    this.error = "";
    this.done = false;
    this.renderRoot.querySelector("form")?.reset();
    this.renderRoot.querySelector("dialog")?.showModal();
  }

  private close(): void {
    this.renderRoot.querySelector("dialog")?.close();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = "";
    try {
      await consoleApi.changePassword({ currentPassword: String(data.get("current") ?? ""), newPassword: String(data.get("new") ?? "") });
      form.reset();
      this.done = true;
    } catch (err) {
      this.error = err instanceof RequestError ? sentence(err.message.replace(/^\w+: /, "")) : "Could not reach the server. Try again.";
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<dialog aria-labelledby="password-title">
      <form @submit=${this.submit}>
        <h2 id="password-title">Change password</h2>
        <label>Current password <input name="current" type="password" required autocomplete="current-password" /></label>
        <label>
          New password
          <input name="new" type="password" required minlength=${MIN_PASSWORD_LENGTH} maxlength="1024" autocomplete="new-password" />
        </label>
        <p class="muted">At least ${MIN_PASSWORD_LENGTH} characters. Your other sessions are signed out; this one stays.</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.done ? html`<p class="done" role="status">Password changed. Your other sessions were signed out.</p>` : nothing}
        <div class="dialog-actions">
          <button class="secondary" type="button" @click=${this.close}>${this.done ? "Close" : "Cancel"}</button>
          <button class="primary" type="submit" ?disabled=${this.busy}>Change password</button>
        </div>
      </form>
    </dialog>`;
  }
}

if (!customElements.get("parley-password-form")) customElements.define("parley-password-form", PasswordForm);
