import { css, html, LitElement, nothing } from "lit";
import { formatTime } from "../lib/format";
import type { AgentLoad } from "../../protocol/lobby";
import type { OfferedChat, QueuedChat } from "./lobby-client";
import "./offer-card";
import { consoleStyles } from "./styles";

/** How often the "past target" marks are looked at again. */
const TARGET_TICK_MS = 5000;

/**
 * The chats waiting for this agent, oldest first, each with "Accept"; above them the chats offered
 * to this agent alone (parley-offer-card), and the agent's load against their capacity.
 */
export class QueuePanel extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      /* Offers and the queue together never take more than part of the column: the inbox stays usable under a long queue. */
      :host { display: block; border-bottom: 1px solid #e3e6ee; background: #fffaf0; max-height: 40vh; overflow-y: auto; flex-shrink: 0; }
      h2 { display: flex; align-items: center; gap: 8px; font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: #5b6272; margin: 12px 14px 6px; }
      ul { list-style: none; margin: 0; padding: 0 8px 8px; display: grid; gap: 6px; max-height: 260px; overflow-y: auto; }
      li { display: flex; align-items: center; gap: 10px; background: #fff; border: 1px solid #f0dca8; border-radius: 9px; padding: 8px 10px; }
      .what { flex: 1; min-width: 0; display: grid; }
      .who { font-weight: 600; }
      .subject { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .meta { font-size: 12px; color: #5b6272; }
      p { margin: 0 14px 10px; font-size: 13px; }
      .notice { color: #8a1c14; background: #fdecea; border-radius: 7px; padding: 8px 10px; margin: 0 8px 10px; }
      .load { margin-left: auto; text-transform: none; letter-spacing: 0; font-weight: 600; color: #3d4557; }
      .late { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: #b3261e; border-radius: 5px; padding: 1px 6px; }
      li.past { border-color: #e7a29c; }
    `,
  ];
  static override properties = {
    queue: { attribute: false },
    available: { type: Boolean },
    notice: { type: String },
    accepting: { type: String },
    offers: { attribute: false },
    load: { attribute: false },
  };
  declare offers: OfferedChat[];
  /** This agent's live chats and offers of their capacity; null until the lobby answered. */
  declare load: AgentLoad | null;
  private tick: ReturnType<typeof setInterval> | undefined;
  declare queue: QueuedChat[];
  declare available: boolean;
  /** Why the last accept did not go through (someone else was first, the visitor left…). */
  declare notice: string;
  declare accepting: string;

  constructor() {
    super();
    this.queue = [];
    this.available = false;
    this.notice = "";
    this.accepting = "";
    this.offers = [];
    this.load = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick = setInterval(() => this.queue.some((q) => q.waitDueAt !== null) && this.requestUpdate(), TARGET_TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  private accept(conversationId: string): void {
    this.dispatchEvent(new CustomEvent<string>("accept-chat", { detail: conversationId, bubbles: true, composed: true }));
  }

  override render() {
    return html`
      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">
          Chat queue
          <span class="badge ${this.queue.length > 0 ? "alert" : "zero"}" aria-label="${this.queue.length} waiting">${this.queue.length}</span>
          ${this.load
            ? html`<span class="load" title="Live chats you have, of your capacity${this.load.paused ? " (paused: you are offered no chats)" : ""}"
                >Load ${this.load.live} of ${this.load.capacity}${this.load.paused ? " · paused" : ""}</span
              >`
            : nothing}
        </h2>
        ${this.notice ? html`<div class="notice" role="alert">${this.notice}</div>` : nothing}
        <parley-offer-card .offers=${this.offers} .accepting=${this.accepting}></parley-offer-card>
        ${!this.available
          ? html`<p class="muted">Turn on “Available for chat” to receive chats.</p>`
          : this.queue.length === 0
            ? html`<p class="muted">No chats waiting.</p>`
            : html`<ul>
                ${this.queue.map(
                  (q) => html`<li class=${q.waitDueAt !== null && Date.now() >= q.waitDueAt ? "past" : ""}>
                    <span class="what">
                      <span class="who">${q.contactName}</span>
                      <span class="subject">${q.subject}</span>
                      <span class="meta"
                        >${q.waitDueAt !== null && Date.now() >= q.waitDueAt ? html`<span class="late">Past target</span> ` : nothing}#${q.position} in queue ·
                        waiting since ${formatTime(q.enqueuedAt)}${q.topic ? ` · ${q.topic}` : ""}</span
                      >
                    </span>
                    <button class="primary" type="button" ?disabled=${this.accepting === q.conversationId} @click=${() => this.accept(q.conversationId)}>
                      Accept
                    </button>
                  </li>`,
                )}
              </ul>`}
      </section>
    `;
  }
}

customElements.define("parley-queue", QueuePanel);
