import { css, html, LitElement, nothing } from "lit";
import type { OfferedChat } from "./lobby-client";
import { consoleStyles } from "./styles";

/**
 * The chats the lobby offers to this agent alone (automatic routing), each with the seconds left
 * to take it. "Accept" sends `accept-chat`, "Decline" `decline-chat`, both with the conversation
 * id as `detail`, bubbling and composed; when time runs out the lobby moves the chat on by itself.
 */
export class OfferCard extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; }
      section { margin: 10px 8px 6px; border: 2px solid #2f5bea; border-radius: 10px; background: #eef2ff; padding: 10px 12px; display: grid; gap: 8px; }
      h2 { margin: 0; font-size: 14px; color: #1d3bb3; }
      .who { font-weight: 600; }
      .subject { overflow-wrap: anywhere; }
      .meta { font-size: 12px; color: #3d4557; }
      .actions { display: flex; gap: 8px; flex-wrap: wrap; }
    `,
  ];
  static override properties = { offers: { attribute: false }, accepting: { type: String } };
  declare offers: OfferedChat[];
  declare accepting: string;
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.offers = [];
    this.accepting = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick = setInterval(() => this.offers.length > 0 && this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  private send(name: "accept-chat" | "decline-chat", conversationId: string): void {
    this.dispatchEvent(new CustomEvent<string>(name, { detail: conversationId, bubbles: true, composed: true }));
  }

  override render() {
    if (this.offers.length === 0) return nothing;
    return this.offers.map((o) => {
      const left = Math.max(0, Math.ceil((o.expiresAt - Date.now()) / 1000));
      return html`<section role="alert" aria-label="Chat offered to you">
        <h2>Chat offered to you</h2>
        <div>
          <div class="who">${o.contactName}</div>
          <div class="subject">${o.subject}</div>
          <div class="meta">${left} s left to take it · #${o.position} in queue${o.topic ? ` · ${o.topic}` : ""}</div>
        </div>
        <div class="actions">
          <button class="primary" type="button" ?disabled=${this.accepting === o.conversationId} @click=${() => this.send("accept-chat", o.conversationId)}>
            Accept
          </button>
          <button class="secondary" type="button" @click=${() => this.send("decline-chat", o.conversationId)}>Decline</button>
        </div>
      </section>`;
    });
  }
}

if (!customElements.get("parley-offer-card")) customElements.define("parley-offer-card", OfferCard);
