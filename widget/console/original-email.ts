import { css, html, LitElement, nothing } from "lit";
import type { OriginalEmailResponse } from "../../protocol/console";
import { requestJson } from "../lib/api";
import { formatDateTime } from "../lib/format";

/**
 * Under a message that came by email: the whole email as the customer sent it, quoted history and
 * signature included, fetched when opened (most are never opened).
 */
export class OriginalEmail extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 12px; margin-top: 4px; }
    summary { cursor: pointer; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; background: #fff; color: #1d2433; border: 1px solid #dde1ea; border-radius: 6px; padding: 8px; margin: 6px 0 0; max-height: 320px; overflow-y: auto; }
  `;
  static override properties = { conversationId: { attribute: false }, clientId: { attribute: false }, state: { state: true } };

  declare conversationId: string;
  declare clientId: string;
  declare state: { kind: "closed" | "loading" } | { kind: "shown"; email: OriginalEmailResponse["email"] } | { kind: "failed"; message: string };

  constructor() {
    super();
    this.conversationId = "";
    this.clientId = "";
    this.state = { kind: "closed" };
  }

  private async load(open: boolean) {
    if (!open || this.state.kind === "shown" || this.state.kind === "loading") return;
    this.state = { kind: "loading" };
    try {
      const path = `/api/console/conversations/${encodeURIComponent(this.conversationId)}/emails/${encodeURIComponent(this.clientId)}`;
      this.state = { kind: "shown", email: (await requestJson<OriginalEmailResponse>(path)).email };
    } catch (err) {
      this.state = { kind: "failed", message: err instanceof Error ? err.message : "could not load the email" };
    }
  }

  override render() {
    const s = this.state;
    return html`<details @toggle=${(e: Event) => void this.load((e.target as HTMLDetailsElement).open)}>
      <summary>Original email</summary>
      ${s.kind === "loading" ? html`<p>Loading…</p>` : nothing}
      ${s.kind === "failed" ? html`<p role="alert">${s.message}</p>` : nothing}
      ${s.kind === "shown" ? html`<pre aria-label=${`Email from ${s.email.fromAddress}, ${formatDateTime(s.email.receivedAt)}`}>${s.email.text}</pre>` : nothing}
    </details>`;
  }
}

customElements.define("parley-original-email", OriginalEmail);
