import { css, html, LitElement, nothing } from "lit";
import type { RetentionResponse, RetentionSetting } from "../../../protocol/retention";
import { LIMITS } from "../../../protocol/limits";
import { requestJson } from "../../lib/api";
import { describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";

const URL = "/api/console/admin/retention";

/**
 * "Data retention": how many days the workspace keeps sent emails and finished webhook
 * deliveries before the cron prunes them. Empty means Parley's default.
 */
export class RetentionPanel extends LitElement {
  static override styles = [
    adminStyles,
    css`
      form { display: flex; align-items: end; gap: 12px; flex-wrap: wrap; }
      h3 { margin: 0 0 8px; }
      p { margin: 0 0 10px; }
      input { width: 8em; }
    `,
  ];
  static override properties = { setting: { state: true }, status: { state: true }, error: { state: true } };
  declare setting: RetentionSetting | null;
  declare status: string;
  declare error: string;

  constructor() {
    super();
    this.setting = null;
    this.status = "";
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    requestJson<RetentionResponse>(URL).then(
      (r) => (this.setting = r.retention),
      (err: unknown) => (this.error = describeError(err)),
    );
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const value = new FormData(e.target as HTMLFormElement).get("days")?.toString().trim() ?? "";
    try {
      const r = await requestJson<RetentionResponse>(URL, { method: "PUT", json: { days: value === "" ? null : Number(value) } });
      this.setting = r.retention;
      this.status = "Retention saved.";
      this.error = "";
    } catch (err) {
      this.error = describeError(err);
      this.status = "";
    }
  }

  override render() {
    const s = this.setting;
    return html`
      <section class="card" aria-labelledby="retention-title">
        <h3 id="retention-title">Data retention</h3>
        <p class="muted">Sent emails and webhook deliveries older than this are deleted. Leave empty for the default${s ? ` (${s.defaultDays} days)` : ""}.</p>
        ${s
          ? html`<form @submit=${this.save}>
              <label class="field">Days kept
                <input name="days" type="number" inputmode="numeric" min=${LIMITS.retention.minDays} max=${LIMITS.retention.maxDays} .value=${s.days === null ? "" : String(s.days)} />
              </label>
              <button type="submit">Save retention</button>
            </form>`
          : nothing}
        <p role="status">${this.status}</p>
        ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      </section>
    `;
  }
}

if (!customElements.get("parley-admin-retention")) customElements.define("parley-admin-retention", RetentionPanel);
