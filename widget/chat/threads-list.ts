import { css, html, nothing } from "lit";
import type { ConversationStatus } from "../../protocol/frames";
import { formatDateTime } from "../lib/format";
import type { StringKey } from "./i18n/en";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";

const STATUS_WORD: Record<ConversationStatus, StringKey> = { queued: "statusQueued", active: "statusActive", ended: "statusEnded" };

/** The visitor's conversations on this channel: return to any, or start a new one. */
export class ThreadsList extends SessionView {
  static override styles = [
    viewStyles,
    css`
      :host {
        overflow-y: auto;
      }
      .wrap {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 16px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .thread {
        display: flex;
        flex-direction: column;
        gap: 2px;
        width: 100%;
        text-align: left;
        border: 1px solid var(--line);
        border-radius: 10px;
        padding: 10px 12px;
        background: #fff;
      }
      .thread:hover {
        border-color: var(--accent);
      }
      .subject {
        font-weight: 600;
      }
      .meta {
        display: flex;
        gap: 8px;
        font-size: 12px;
        color: var(--muted);
      }
      .status {
        font-weight: 600;
      }
    `,
  ];

  override render() {
    const session = this.session;
    const t = session.t.bind(session);
    const threads = session.threads;
    return html`<div class="wrap">
      <button class="primary" type="button" data-autofocus @click=${() => session.newConversation()}>${t("newConversation")}</button>
      ${threads.length
        ? html`<ul>
            ${threads.map(
              (thread) => html`<li>
                <button class="thread" type="button" aria-current=${session.current?.id === thread.id ? "true" : "false"}
                  @click=${() => session.openThread(thread.id)}>
                  <span class="subject">${thread.subject}</span>
                  <span class="meta">
                    ${thread.status ? html`<span class="status">${t(STATUS_WORD[thread.status])}</span>` : nothing}
                    <span>${formatDateTime(thread.at, session.options.locale)}</span>
                  </span>
                </button>
              </li>`,
            )}
          </ul>`
        : html`<p class="hint">${t("noThreads")}</p>`}
    </div>`;
  }
}

define("parley-threads-list", ThreadsList);
