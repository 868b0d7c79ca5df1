import { css, html, LitElement, nothing } from "lit";
import type { OutboxEmail, OutboxEmailDetail } from "../../../protocol/admin";
import { formatDateTime } from "../../lib/format";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./retention-panel";

const STATUS: Record<OutboxEmail["status"], { label: string; tone: string }> = {
  local: { label: "In outbox", tone: "" },
  queued: { label: "Sending", tone: "" },
  sent: { label: "Sent", tone: "good" },
  failed: { label: "Failed", tone: "bad" },
  suppressed: { label: "Not sent: daily limit", tone: "bad" },
};

/**
 * Every email Parley queued for this workspace, newest first. Without RESEND_API_KEY this is
 * where emails end up, so the whole product can be tried offline.
 */
export class OutboxView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 22px; align-items: start; }
      .top { display: flex; align-items: center; gap: 12px; margin-bottom: 10px; }
      .top h2 { margin: 0; flex: 1; }
      tr[aria-current="true"] td { background: #eef2ff; }
      .detail dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0 0 12px; }
      .detail dt { color: #5b6272; }
      .detail dd { margin: 0; overflow-wrap: anywhere; }
      .more { margin-top: 12px; }
      @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
    `,
  ];
  static override properties = {
    emails: { state: true },
    cursor: { state: true },
    open: { state: true },
    error: { state: true },
  };
  declare emails: OutboxEmail[] | null;
  declare cursor: string | null;
  declare open: OutboxEmailDetail | null;
  declare error: string;

  constructor() {
    super();
    this.emails = null;
    this.cursor = null;
    this.open = null;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    try {
      const page = await adminApi.emails(more ? this.cursor : null);
      this.emails = more ? [...(this.emails ?? []), ...page.emails] : page.emails;
      this.cursor = page.nextCursor;
      this.error = "";
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private async show(id: string): Promise<void> {
    try {
      this.open = (await adminApi.email(id)).email;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#email-detail")?.focus();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private renderDetail(email: OutboxEmailDetail) {
    return html`
      <article class="card detail" id="email-detail" tabindex="-1" aria-labelledby="email-subject">
        <h3 id="email-subject">${email.subject}</h3>
        <dl>
          <dt>To</dt><dd>${email.to}</dd>
          <dt>Queued</dt><dd>${formatDateTime(email.createdAt)}</dd>
          <dt>Kind</dt><dd>${email.template} · ${email.locale}</dd>
          <dt>Status</dt><dd>${STATUS[email.status].label}${email.attempts ? ` after ${email.attempts} attempt(s)` : ""}</dd>
          ${email.lastError ? html`<dt>${email.status === "suppressed" ? "Reason" : "Last error"}</dt><dd class="error">${email.lastError}</dd>` : nothing}
        </dl>
        <pre aria-label="Email text">${email.textBody}</pre>
        <div class="more"><button class="secondary" type="button" @click=${() => (this.open = null)}>Close email</button></div>
      </article>
    `;
  }

  override render() {
    return html`
      <div class="top">
        <h2>Email outbox</h2>
        <button class="secondary" type="button" @click=${() => this.load(false)}>Refresh</button>
      </div>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <parley-admin-retention></parley-admin-retention>
      ${!this.emails
        ? html`<p class="muted">Loading emails…</p>`
        : html`
            <div class="layout">
              <div>
                ${this.emails.length
                  ? html`<table>
                      <caption class="sr-only">Emails, newest first</caption>
                      <thead><tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th></tr></thead>
                      <tbody>
                        ${this.emails.map(
                          (m) => html`<tr aria-current=${this.open?.id === m.id ? "true" : "false"}>
                            <td class="nowrap">${formatDateTime(m.createdAt)}</td>
                            <td>${m.to}</td>
                            <td><button class="link" type="button" @click=${() => this.show(m.id)}>${m.subject}</button></td>
                            <td><span class="badge ${STATUS[m.status].tone}">${STATUS[m.status].label}</span></td>
                          </tr>`,
                        )}
                      </tbody>
                    </table>`
                  : html`<p class="muted">No emails yet. Transcripts, surveys, ticket receipts and notifications appear here.</p>`}
                ${this.cursor ? html`<div class="more"><button class="secondary" type="button" @click=${() => this.load(true)}>Load older emails</button></div>` : nothing}
              </div>
              ${this.open ? this.renderDetail(this.open) : nothing}
            </div>
          `}
    `;
  }
}

customElements.define("parley-admin-outbox", OutboxView);
