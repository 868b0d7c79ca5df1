import { css, html, LitElement, nothing } from "lit";
import type { ApiKeySummary, CreateApiKeyResponse } from "../../../protocol/admin";
import { formatDateTime } from "../../lib/format";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";
import { copyText } from "./copy-text";

/** API keys for integrators: the key is shown once, on creation; Parley keeps only its hash. */
export class ApiKeysView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      h2 + .hint { margin: -6px 0 12px; }
      form.card { display: flex; gap: 10px; align-items: end; flex-wrap: wrap; max-width: 760px; margin-bottom: 16px; }
      .created { border: 2px solid #1b7a3d; background: #f1faf3; border-radius: 10px; padding: 14px 16px; margin-bottom: 16px; max-width: 760px; display: grid; gap: 10px; }
      .created input { width: 100%; font-family: ui-monospace, monospace; }
    `,
  ];
  static override properties = {
    keys: { state: true },
    created: { state: true },
    name: { state: true },
    error: { state: true },
    formError: { state: true },
    status: { state: true },
  };
  declare keys: ApiKeySummary[] | null;
  declare created: CreateApiKeyResponse | null;
  declare name: string;
  declare error: string;
  declare formError: string;
  declare status: string;

  constructor() {
    super();
    this.keys = null;
    this.created = null;
    this.name = "";
    this.error = "";
    this.formError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    adminApi
      .apiKeys()
      .then(({ apiKeys }) => (this.keys = apiKeys))
      .catch((err) => (this.error = describeError(err)));
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.formError = "";
    try {
      this.created = await adminApi.createApiKey(this.name);
      this.keys = [this.created.apiKey, ...(this.keys ?? [])];
      this.name = "";
      this.status = "";
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>("#new-key")?.select();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private async copy(): Promise<void> {
    this.status = (await copyText(this.created?.key ?? "")) ? "Key copied." : "Copying is blocked here: the key is selected, press Ctrl+C (⌘C on a Mac).";
    if (!this.status.startsWith("Key copied")) this.renderRoot.querySelector<HTMLInputElement>("#new-key")?.select();
  }

  private async revoke(key: ApiKeySummary): Promise<void> {
    try {
      const { apiKey } = await adminApi.revokeApiKey(key.id);
      this.keys = (this.keys ?? []).map((k) => (k.id === apiKey.id ? apiKey : k));
      if (this.created?.apiKey.id === apiKey.id) this.created = null;
      this.status = `${apiKey.name} revoked: requests with it are refused from now on.`;
    } catch (err) {
      this.status = describeError(err);
    }
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.keys) return html`<p class="muted">Loading API keys…</p>`;
    return html`
      <h2>API keys</h2>
      <p class="hint">Integrators call the REST API under /api/v1 with <code>Authorization: Bearer &lt;key&gt;</code>.</p>
      <form class="card" @submit=${this.create} aria-label="New API key">
        <label class="field">Key name
          <input required maxlength="80" placeholder="CRM sync" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
        </label>
        <button class="primary" type="submit">Create key</button>
        ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
      </form>
      ${this.created
        ? html`<div class="created" role="region" aria-label="New API key">
            <strong>Copy this key now: it will not be shown again.</strong>
            <label class="field">API key for ${this.created.apiKey.name}
              <input id="new-key" readonly .value=${this.created.key} />
            </label>
            <div class="actions">
              <button class="secondary" type="button" @click=${this.copy}>Copy key</button>
              <button class="secondary" type="button" @click=${() => (this.created = null)}>Done</button>
            </div>
          </div>`
        : nothing}
      <p role="status" class="ok">${this.status}</p>
      ${this.keys.length
        ? html`<table>
            <caption class="sr-only">API keys</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.keys.map(
                (k) => html`<tr>
                  <td>${k.name}</td>
                  <td class="nowrap">${formatDateTime(k.createdAt)}</td>
                  <td>${k.revokedAt === null
                    ? html`<span class="badge good">Active</span>`
                    : html`<span class="badge bad">Revoked ${formatDateTime(k.revokedAt)}</span>`}</td>
                  <td class="actions-cell">
                    ${k.revokedAt === null
                      ? html`<parley-admin-confirm-button label="Revoke" accessible-name=${`Revoke ${k.name}`} confirm-label=${`Revoke ${k.name}`}
                          question="Integrations using it stop working at once." @confirmed=${() => this.revoke(k)}></parley-admin-confirm-button>`
                      : nothing}
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No API keys yet.</p>`}
    `;
  }
}

customElements.define("parley-admin-api-keys", ApiKeysView);
