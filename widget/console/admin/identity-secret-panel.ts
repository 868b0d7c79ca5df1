import { css, html, LitElement, nothing } from "lit";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";
import { copyText } from "./copy-text";

/**
 * The channel's identity secret, with which host pages sign their signed-in customers' ids.
 * Changes apply at once (no Save): emits `identity-secret-changed` with the new secret or null.
 */
export class IdentitySecretPanel extends LitElement {
  static override styles = [adminStyles, css`.secret { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; } .secret input { width: 34em; max-width: 100%; font-family: ui-monospace, monospace; }`];
  static override properties = {
    channelId: { type: String, attribute: "channel-id" },
    secret: { attribute: false },
    shown: { state: true },
    status: { state: true },
    error: { state: true },
  };
  declare channelId: string;
  declare secret: string | null;
  declare shown: boolean;
  declare status: string;
  declare error: string;

  constructor() {
    super();
    this.channelId = "";
    this.secret = null;
    this.shown = false;
    this.status = "";
    this.error = "";
  }

  private async change(action: "rotate" | "remove"): Promise<void> {
    this.error = "";
    try {
      const { identitySecret } =
        action === "rotate" ? await adminApi.rotateIdentitySecret(this.channelId) : await adminApi.removeIdentitySecret(this.channelId);
      this.status = identitySecret ? "A new secret is in use. Update your host pages." : "Identity verification is off.";
      this.shown = identitySecret !== null;
      this.dispatchEvent(new CustomEvent("identity-secret-changed", { detail: identitySecret, bubbles: true, composed: true }));
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private async copy(): Promise<void> {
    this.status = (await copyText(this.secret ?? "")) ? "Secret copied." : "Copying is blocked here: show the secret and copy it by hand.";
  }

  override render() {
    return html`
      <h3>Identity verification</h3>
      <p class="hint">
        A host page with signed-in customers sets <code>user-id</code> and <code>user-hash</code> on the widget: the hex
        HMAC-SHA256 of the user id with this secret, computed on its server. Unsigned identities are never trusted.
      </p>
      ${this.secret
        ? html`
            <div class="secret">
              <label class="field">Identity secret
                <input readonly .value=${this.secret} type=${this.shown ? "text" : "password"} autocomplete="off" />
              </label>
              <button class="secondary" type="button" aria-pressed=${this.shown ? "true" : "false"} @click=${() => (this.shown = !this.shown)}>
                ${this.shown ? "Hide" : "Show"}
              </button>
              <button class="secondary" type="button" @click=${this.copy}>Copy secret</button>
            </div>
            <div class="actions">
              <parley-admin-confirm-button label="Generate new secret" confirm-label="Generate new secret"
                question="Pages signing with the current secret will stop being trusted."
                @confirmed=${() => this.change("rotate")}></parley-admin-confirm-button>
              <parley-admin-confirm-button label="Turn off" confirm-label="Turn identity verification off"
                question="Every visitor will be treated as anonymous."
                @confirmed=${() => this.change("remove")}></parley-admin-confirm-button>
            </div>
          `
        : html`
            <p>Off: every visitor is anonymous.</p>
            <div><button class="secondary" type="button" @click=${() => this.change("rotate")}>Generate secret</button></div>
          `}
      <p role="status" class="ok">${this.status}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
    `;
  }
}

customElements.define("parley-admin-identity-secret", IdentitySecretPanel);
