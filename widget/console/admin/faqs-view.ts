import { css, html, LitElement, nothing } from "lit";
import type { AdminChannel, AdminFaq } from "../../../protocol/admin";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";

type Draft = { question: string; answer: string; channelId: string };
const EMPTY: Draft = { question: "", answer: "", channelId: "" };

/** FAQ entries, suggested to visitors before a chat starts on channels with FAQ suggestions on. */
export class FaqsView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      form.card { display: grid; gap: 10px; max-width: 760px; margin-bottom: 22px; }
      .answer { white-space: pre-wrap; color: #3a4150; margin-top: 4px; }
    `,
  ];
  static override properties = {
    faqs: { state: true },
    channels: { state: true },
    draft: { state: true },
    editingId: { state: true },
    error: { state: true },
    formError: { state: true },
    status: { state: true },
  };
  declare faqs: AdminFaq[] | null;
  declare channels: AdminChannel[];
  declare draft: Draft;
  declare editingId: string;
  declare error: string;
  declare formError: string;
  declare status: string;

  constructor() {
    super();
    this.faqs = null;
    this.channels = [];
    this.draft = EMPTY;
    this.editingId = "";
    this.error = "";
    this.formError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [{ faqs }, { channels }] = await Promise.all([adminApi.faqs(), adminApi.channels()]);
      this.faqs = faqs;
      this.channels = channels;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private edit(faq: AdminFaq): void {
    this.editingId = faq.id;
    this.draft = { question: faq.question, answer: faq.answer, channelId: faq.channelId ?? "" };
    this.formError = "";
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("#faq-question")?.focus());
  }

  private reset(): void {
    this.editingId = "";
    this.draft = EMPTY;
    this.formError = "";
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.formError = "";
    const body = { question: this.draft.question, answer: this.draft.answer, channelId: this.draft.channelId || null };
    try {
      if (this.editingId) {
        const { faq } = await adminApi.updateFaq(this.editingId, body);
        this.faqs = (this.faqs ?? []).map((f) => (f.id === faq.id ? faq : f));
        this.status = "FAQ saved.";
      } else {
        const { faq } = await adminApi.createFaq(body);
        this.faqs = [...(this.faqs ?? []), faq].sort((a, b) => a.question.localeCompare(b.question));
        this.status = "FAQ added.";
      }
      this.reset();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private async deleteFaq(faq: AdminFaq): Promise<void> {
    try {
      await adminApi.deleteFaq(faq.id);
      this.faqs = (this.faqs ?? []).filter((f) => f.id !== faq.id);
      if (this.editingId === faq.id) this.reset();
      this.status = "FAQ deleted.";
    } catch (err) {
      this.status = describeError(err);
    }
  }

  private channelName(id: string | null): string {
    return id === null ? "All channels" : (this.channels.find((c) => c.id === id)?.name ?? id);
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.faqs) return html`<p class="muted">Loading FAQs…</p>`;
    const d = this.draft;
    const text = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <h2>FAQs</h2>
      <form class="card" @submit=${this.submit} aria-labelledby="faq-form-title">
        <h3 id="faq-form-title">${this.editingId ? "Edit FAQ" : "New FAQ"}</h3>
        <label class="field">Question
          <input id="faq-question" required maxlength="500" .value=${d.question} @input=${(e: Event) => (this.draft = { ...d, question: text(e) })} />
        </label>
        <label class="field">Answer
          <textarea required rows="4" maxlength="5000" .value=${d.answer} @input=${(e: Event) => (this.draft = { ...d, answer: text(e) })}></textarea>
        </label>
        <label class="field">Channel
          <select @change=${(e: Event) => (this.draft = { ...d, channelId: text(e) })}>
            <option value="" ?selected=${d.channelId === ""}>All channels</option>
            ${this.channels.map((c) => html`<option value=${c.id} ?selected=${d.channelId === c.id}>${c.name}</option>`)}
          </select>
        </label>
        ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${this.editingId ? "Save FAQ" : "Add FAQ"}</button>
          ${this.editingId ? html`<button class="secondary" type="button" @click=${this.reset}>Cancel</button>` : nothing}
        </div>
      </form>
      <p role="status" class="ok">${this.status}</p>
      ${this.faqs.length
        ? html`
            <table>
              <caption class="sr-only">FAQ entries</caption>
              <thead><tr><th scope="col">Question and answer</th><th scope="col">Channel</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                ${this.faqs.map(
                  (f) => html`<tr>
                    <td><strong>${f.question}</strong><div class="answer">${f.answer}</div></td>
                    <td>${this.channelName(f.channelId)}</td>
                    <td class="actions-cell"><div class="actions">
                      <button class="secondary" type="button" aria-label=${`Edit FAQ: ${f.question}`} @click=${() => this.edit(f)}>Edit</button>
                      <parley-admin-confirm-button label="Delete" accessible-name=${`Delete FAQ: ${f.question}`} confirm-label="Delete FAQ"
                        question="Delete this FAQ?" @confirmed=${() => this.deleteFaq(f)}></parley-admin-confirm-button>
                    </div></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          `
        : html`<p class="muted">No FAQs yet.</p>`}
    `;
  }
}

customElements.define("parley-admin-faqs", FaqsView);
