import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../protocol/api";
import { requestJson, RequestError } from "../lib/api";
import { consoleStyles } from "./styles";
import { sentence } from "./text";

export class SignInForm extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: grid; place-items: center; background: #f4f6fa; }
      form { width: 340px; background: #fff; padding: 28px; border-radius: 12px; box-shadow: 0 4px 24px rgb(0 0 0 / 0.08); display: flex; flex-direction: column; gap: 12px; }
      h1 { margin: 0 0 4px; font-size: 20px; }
      label { display: flex; flex-direction: column; gap: 4px; font-weight: 600; font-size: 13px; }
    `,
  ];
  static override properties = { error: { state: true }, busy: { state: true } };
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = "";
    this.busy = false;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = "";
    try {
      const { agent } = await requestJson<{ agent: Agent }>("/api/console/session", {
        method: "POST",
        json: { email: data.get("email"), password: data.get("password") },
      });
      this.dispatchEvent(new CustomEvent<Agent>("signed-in", { detail: agent, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof RequestError ? sentence(err.message) : "Could not reach the server. Try again.";
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <form @submit=${this.submit}>
        <h1>Parley console</h1>
        <label>Email <input name="email" type="email" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>Sign in</button>
      </form>
    `;
  }
}


customElements.define("parley-sign-in", SignInForm);
