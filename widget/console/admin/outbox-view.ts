import { css, html, LitElement, nothing } from "lit";
import type { InboundEmailItem, OutboxEmail, OutboxEmailDetail } from "../../../protocol/admin";
import { formatDateTime } from "../../lib/format";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./retention-panel";

const INBOUND: Record<InboundEmailItem["outcome"], { label: string; tone: string }> = {
  accepted: { label: "Posted", tone: "good" },
  refused: { label: "Refused", tone: "bad" },
  dropped: { label: "Dropped", tone: "" },
};

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
      .simulate { margin-top: 14px; display: grid; gap: 8px; }
      .inbound { margin-top: 28px; }
      @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
    `,
  ];
  static override properties = {
    emails: { state: true },
    cursor: { state: true },
    open: { state: true },
    inbound: { state: true },
    reply: { state: true },
    replyNotice: { state: true },
    error: { state: true },
  };
  declare emails: OutboxEmail[] | null;
  declare cursor: string | null;
  declare open: OutboxEmailDetail | null;
  declare inbound: InboundEmailItem[] | null;
  declare reply: string;
  declare replyNotice: string;
  declare error: string;

  constructor() {
    super();
    this.emails = null;
    this.cursor = null;
    this.open = null;
    this.inbound = null;
    this.reply = "";
    this.replyNotice = "";
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
      if (!more) this.inbound = (await adminApi.inboundEmails()).emails;
      this.error = "";
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private async show(id: string): Promise<void> {
    try {
      this.open = (await adminApi.email(id)).email;
      this.reply = "";
      this.replyNotice = "";
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
          ${email.replyTo ? html`<dt>Reply-To</dt><dd><code>${email.replyTo}</code></dd>` : nothing}
        </dl>
        <pre aria-label="Email text">${email.textBody}</pre>
        ${email.canSimulateReply ? this.renderSimulate(email) : nothing}
        <div class="more"><button class="secondary" type="button" @click=${() => (this.open = null)}>Close email</button></div>
      </article>
    `;
  }

  /** Local development: answer the email as its recipient would, through the real email() path. */
  private renderSimulate(email: OutboxEmailDetail) {
    return html`<form class="simulate" @submit=${(e: Event) => this.simulate(e, email.id)}>
      <label class="field">Reply as ${email.to}
        <textarea rows="3" .value=${this.reply} @input=${(e: Event) => (this.reply = (e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <button class="primary" type="submit" ?disabled=${!this.reply.trim()}>Simulate reply</button>
      ${this.replyNotice ? html`<p role="status">${this.replyNotice}</p>` : nothing}
    </form>`;
  }

  private async simulate(e: Event, id: string): Promise<void> {
    e.preventDefault();
    try {
      const result = await adminApi.simulateReply(id, this.reply);
      this.replyNotice = result.outcome === "accepted" ? "The reply is in the conversation." : `${INBOUND[result.outcome].label}: ${result.reason}`;
      if (result.outcome === "accepted") this.reply = "";
      this.inbound = (await adminApi.inboundEmails()).emails;
    } catch (err) {
      this.replyNotice = describeError(err);
    }
  }

  private renderInbound() {
    const rows = this.inbound;
    if (!rows) return nothing;
    return html`<section class="inbound" aria-labelledby="inbound-title">
      <h2 id="inbound-title">Incoming email</h2>
      ${rows.length
        ? html`<table>
            <caption class="sr-only">Replies received by email, newest first</caption>
            <thead><tr><th scope="col">Received</th><th scope="col">From</th><th scope="col">Outcome</th><th scope="col">Why</th></tr></thead>
            <tbody>
              ${rows.map(
                (r) => html`<tr>
                  <td class="nowrap">${formatDateTime(r.receivedAt)}</td>
                  <td>${r.fromAddress}</td>
                  <td><span class="badge ${INBOUND[r.outcome].tone}">${INBOUND[r.outcome].label}</span></td>
                  <td>${r.reason}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No replies by email yet. Customers and agents answer the emails above; their replies land in the conversation.</p>`}
    </section>`;
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
            ${this.renderInbound()}
          `}
    `;
  }
}

customElements.define("parley-admin-outbox", OutboxView);
