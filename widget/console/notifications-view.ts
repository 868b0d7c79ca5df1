import { css, html, LitElement } from "lit";
import type { Notification } from "../../protocol/console";
import { formatDateTime } from "../lib/format";
import { consoleStyles } from "./styles";

/** One entry per thread, the thread with the newest message on top; opening one goes to the thread. */
export class NotificationsView extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; overflow-y: auto; background: #f7f8fb; min-height: 0; }
      .wrap { max-width: 760px; padding: 18px 22px 40px; }
      h1 { font-size: 20px; margin: 0 0 12px; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
      button.item { all: unset; box-sizing: border-box; width: 100%; display: grid; gap: 2px; padding: 10px 14px; border-radius: 10px; background: #fff; border: 1px solid #e3e6ee; cursor: pointer; }
      button.item:focus-visible { outline: 3px solid #8aa4f5; outline-offset: 1px; }
      button.item.unseen { border-color: #9db3f5; box-shadow: inset 4px 0 0 #2f5bea; }
      .top { display: flex; gap: 8px; align-items: center; }
      .subject { font-weight: 600; flex: 1; }
      .preview { color: #3d4455; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .when { font-size: 12px; color: #5b6272; }
    `,
  ];
  static override properties = { notifications: { attribute: false } };
  declare notifications: Notification[];

  constructor() {
    super();
    this.notifications = [];
  }

  /** A thread's entry opens the thread; a sign-in alert (no thread) fires `sign-in-alert`, for Administration. */
  private open(n: Notification): void {
    const event = n.conversationId
      ? new CustomEvent<string>("select-conversation", { detail: n.conversationId, bubbles: true, composed: true })
      : new CustomEvent("sign-in-alert", { bubbles: true, composed: true });
    this.dispatchEvent(event);
  }

  override render() {
    return html`<div class="wrap">
      <h1>Notifications</h1>
      ${this.notifications.length === 0
        ? html`<p class="muted">Nothing new. New messages in threads you are responsible for show up here.</p>`
        : html`<ul aria-label="Notifications">
            ${this.notifications.map(
              (n) => html`<li>
                <button class="item ${n.unseen ? "unseen" : ""}" type="button" @click=${() => this.open(n)}>
                  <span class="top">
                    <span class="subject">${n.subject}</span>
                    ${n.kind === "alert" ? html`<span class="chip queued">Administrators notified</span>` : ""}
                    ${n.kind === "sign_in" ? html`<span class="chip queued">Account security</span>` : ""}
                    ${n.kind === "mention" ? html`<span class="chip note">Mentioned you in a note</span>` : ""}
                    ${n.unseen ? html`<span class="badge">New</span>` : ""}
                  </span>
                  <span class="preview">${n.authorName}: ${n.preview}</span>
                  <span class="when">${formatDateTime(n.updatedAt)}</span>
                </button>
              </li>`,
            )}
          </ul>`}
    </div>`;
  }
}

customElements.define("parley-notifications", NotificationsView);
