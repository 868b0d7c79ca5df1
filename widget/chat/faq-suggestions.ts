import { css, html, nothing, type PropertyValues } from "lit";
import type { Faq } from "../../protocol/api";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";

const SEARCH_DELAY_MS = 350;
const MIN_QUERY = 3;

/**
 * FAQ entries matching the question being written, shown before the chat starts: the visitor
 * may find the answer here, or go on with "Start chat".
 */
export class FaqSuggestions extends SessionView {
  static override styles = [
    viewStyles,
    css`
      section {
        display: flex;
        flex-direction: column;
        gap: 6px;
        padding: 10px 12px;
        border-radius: 10px;
        background: var(--surface);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .question {
        all: unset;
        box-sizing: border-box;
        display: flex;
        gap: 6px;
        width: 100%;
        padding: 4px 0;
        color: var(--accent);
        font-weight: 600;
        cursor: pointer;
      }
      .question:focus-visible {
        outline: 3px solid var(--parley-focus, #ffbf47);
      }
      .chevron {
        display: inline-block;
        transition: transform 0.15s ease;
      }
      .question[aria-expanded="true"] .chevron {
        transform: rotate(90deg);
      }
      .answer {
        padding: 2px 0 8px 16px;
        white-space: pre-wrap;
        font-size: 14px;
      }
    `,
  ];
  static override properties = {
    ...SessionView.properties,
    query: { type: String },
    faqs: { state: true },
    expanded: { state: true },
  };
  declare query: string;
  declare faqs: Faq[];
  declare expanded: string | null;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | null = null;

  constructor() {
    super();
    this.query = "";
    this.faqs = [];
    this.expanded = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!changed.has("query")) return;
    clearTimeout(this.timer);
    const q = this.query.trim();
    if (q.length < MIN_QUERY) {
      this.inFlight?.abort();
      this.faqs = [];
      return;
    }
    this.timer = setTimeout(() => void this.search(q), SEARCH_DELAY_MS);
  }

  private async search(q: string): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      this.faqs = await this.session.searchFaqs(q, controller.signal);
    } catch {
      // Suggestions are a help, not a step: without them the visitor simply starts the chat.
      if (!controller.signal.aborted) this.faqs = [];
    }
  }

  override render() {
    if (!this.faqs.length) return nothing;
    const t = this.session.t.bind(this.session);
    return html`
      <section aria-labelledby="faq-title">
        <h3 id="faq-title">${t("faqTitle")}</h3>
        <ul>
          ${this.faqs.map(
            (faq) => html`<li>
              <button
                type="button"
                class="question"
                aria-expanded=${this.expanded === faq.id ? "true" : "false"}
                aria-controls="answer-${faq.id}"
                @click=${() => (this.expanded = this.expanded === faq.id ? null : faq.id)}
              >
                <span class="chevron" aria-hidden="true">▸</span><span>${faq.question}</span>
              </button>
              <div class="answer" id="answer-${faq.id}" ?hidden=${this.expanded !== faq.id}>${faq.answer}</div>
            </li>`,
          )}
        </ul>
        <p class="hint">${t("faqHint")}</p>
      </section>
    `;
  }
}

define("parley-faq-suggestions", FaqSuggestions);
