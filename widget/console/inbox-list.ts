import { css, html, LitElement } from "lit";
import type { ConversationSummary, InboxResponse } from "../../protocol/api";
import { requestJson, RequestError } from "../lib/api";
import { formatDateTime } from "../lib/format";
import { consoleStyles } from "./styles";

/** Refreshes on an interval until presence and the queue arrive (issue 4's channel lobby). */
const REFRESH_MS = 3000;

export class InboxList extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: flex; flex-direction: column; border-right: 1px solid #e3e6ee; background: #fafbfd; min-width: 0; }
      h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: #5b6272; margin: 14px 14px 6px; }
      ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
      li button { width: 100%; text-align: left; border: 0; border-bottom: 1px solid #eceef3; background: none; padding: 10px 14px; cursor: pointer; display: grid; gap: 2px; }
      li button[aria-current="true"] { background: #e7edff; }
      .who { font-weight: 600; }
      .subject { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .when { font-size: 12px; color: #5b6272; }
      .empty { padding: 14px; color: #5b6272; }
    `,
  ];
  static override properties = {
    selected: { type: String },
    conversations: { state: true },
    error: { state: true },
  };
  declare selected: string;
  declare conversations: ConversationSummary[];
  declare error: string;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.selected = "";
    this.conversations = [];
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      const res = await requestJson<InboxResponse>("/api/console/conversations?filter=all&limit=50");
      this.conversations = res.conversations;
      this.error = "";
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Offline: retrying…";
      if (err instanceof RequestError && err.status === 401) {
        this.dispatchEvent(new CustomEvent("signed-out", { bubbles: true, composed: true }));
      }
    }
  }

  private select(id: string): void {
    this.dispatchEvent(new CustomEvent<string>("select-conversation", { detail: id, bubbles: true, composed: true }));
  }

  override render() {
    return html`
      <h2 id="inbox-heading">Inbox</h2>
      ${this.error ? html`<p class="error empty" role="alert">${this.error}</p>` : ""}
      ${this.conversations.length === 0 ? html`<p class="empty">No conversations yet.</p>` : ""}
      <ul aria-labelledby="inbox-heading">
        ${this.conversations.map(
          (c) => html`<li>
            <button aria-current=${c.id === this.selected ? "true" : "false"} @click=${() => this.select(c.id)}>
              <span class="who">${c.contact.name}</span>
              <span class="subject">${c.subject}</span>
              <span class="when">
                ${c.lastMessageAt ? `${formatDateTime(c.lastMessageAt)} · ${c.lastAuthorName ?? ""}` : formatDateTime(c.createdAt)}
              </span>
            </button>
          </li>`,
        )}
      </ul>
    `;
  }
}

customElements.define("parley-inbox", InboxList);
