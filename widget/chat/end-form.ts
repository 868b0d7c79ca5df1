import { css, html, nothing } from "lit";
import { MAX_COMMENT_LENGTH } from "../../protocol/limits";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";

/** After the chat: satisfied or not, 1–5 stars, a comment, the transcript, and maybe back to the chat. */
export class EndForm extends SessionView {
  static override styles = [
    viewStyles,
    css`
      :host {
        overflow-y: auto;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 14px;
        padding: 16px;
      }
      .lead {
        font-weight: 600;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      legend {
        padding: 0;
        margin-bottom: 6px;
        font-size: 13px;
        font-weight: 600;
      }
      .choices {
        display: flex;
        gap: 8px;
      }
      .choice {
        flex: 1;
        border: 1px solid var(--line);
        border-radius: 8px;
        padding: 9px;
        background: #fff;
        font-weight: 600;
      }
      .choice[aria-pressed="true"] {
        border-color: var(--accent);
        background: var(--accent);
        color: var(--accent-text);
      }
      .stars {
        display: flex;
        gap: 2px;
      }
      .star {
        border: 0;
        background: none;
        padding: 2px 4px;
        font-size: 28px;
        line-height: 1;
        color: #c5cad6;
      }
      .star.lit {
        color: #f2a900;
      }
      textarea {
        min-height: 70px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
      }
    `,
  ];
  static override properties = {
    ...SessionView.properties,
    satisfied: { state: true },
    rating: { state: true },
    problem: { state: true },
  };
  declare satisfied: boolean | null;
  declare rating: number | null;
  declare problem: string;

  constructor() {
    super();
    this.satisfied = null;
    this.rating = null;
    this.problem = "";
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const conversation = this.session.current;
    if (!conversation) return;
    const t = this.session.t.bind(this.session);
    if (this.satisfied === null && this.rating === null) {
      this.problem = t("feedbackNeeded");
      return;
    }
    const comment = String(new FormData(e.target as HTMLFormElement).get("comment") ?? "");
    this.problem = conversation.sendFeedback({ satisfied: this.satisfied, rating: this.rating, comment }) ? "" : t("networkError");
  }

  /** An answer given clears the "answer at least one question" problem at once. */
  private choose(answer: { satisfied?: boolean | null; rating?: number | null }): void {
    if (answer.satisfied !== undefined) this.satisfied = answer.satisfied;
    if (answer.rating !== undefined) this.rating = answer.rating;
    if (this.satisfied !== null || this.rating !== null) this.problem = "";
  }

  private endedText(): string {
    const c = this.session.current;
    const t = this.session.t.bind(this.session);
    if (c?.endedBy === "agent") return t("endedByAgent", { name: c.agent?.name ?? "" });
    if (c?.endedBy === "idle") return t("endedByIdle");
    if (c?.endedBy === "visitor_left") return t("endedByVisitorLeft");
    return t("endedByVisitor");
  }

  override render() {
    const session = this.session;
    const c = session.current;
    const channel = session.channel;
    if (!c || !channel) return nothing;
    const t = session.t.bind(session);
    return html`
      <form novalidate @submit=${this.submit}>
        <p class="lead" data-autofocus tabindex="-1">${this.endedText()}</p>
        ${c.feedback ? html`<p class="notice success" role="status">${t("feedbackThanks")}</p>` : this.renderFeedback()}
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
        ${channel.transcriptEmail
          ? c.transcriptSent
            ? html`<p class="notice success" role="status">${t("transcriptSent")}</p>`
            : html`<button class="secondary" type="button"
                @click=${() => (this.problem = c.requestTranscript() ? "" : t("networkError"))}>${t("emailTranscript")}</button>`
          : nothing}
        <div class="row">
          ${channel.endForm.allowBackToChat && c.endedBy !== "idle" && !c.feedback
            ? html`<button class="secondary" type="button"
                @click=${() => (this.problem = c.reopen() ? "" : t("networkError"))}>${t("backToChat")}</button>`
            : nothing}
          <button class="link" type="button" @click=${() => session.newConversation()}>${t("newChat")}</button>
        </div>
      </form>
    `;
  }

  private renderFeedback() {
    const t = this.session.t.bind(this.session);
    return html`
      <h3>${t("feedbackTitle")}</h3>
      <fieldset>
        <legend>${t("satisfactionQuestion")}</legend>
        <div class="choices">
          ${([true, false] as const).map(
            (value) => html`<button type="button" class="choice" aria-pressed=${this.satisfied === value ? "true" : "false"}
              @click=${() => this.choose({ satisfied: this.satisfied === value ? null : value })}>
              ${t(value ? "satisfied" : "notSatisfied")}
            </button>`,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>${t("ratingQuestion")}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map(
            (n) => html`<button type="button" class="star ${this.rating !== null && n <= this.rating ? "lit" : ""}"
              aria-pressed=${this.rating === n ? "true" : "false"}
              aria-label=${n === 1 ? t("star1") : t("starsN", { count: n })}
              @click=${() => this.choose({ rating: this.rating === n ? null : n })}>★</button>`,
          )}
        </div>
      </fieldset>
      <div class="field">
        <label for="comment">${t("comment")}</label>
        <textarea id="comment" name="comment" maxlength=${MAX_COMMENT_LENGTH}></textarea>
      </div>
      <button class="primary" type="submit">${t("sendFeedback")}</button>
    `;
  }
}

define("parley-end-form", EndForm);
