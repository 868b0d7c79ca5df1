import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../../protocol/api";
import type { CannedResponse } from "../../../protocol/canned-responses";
import { LOCALES } from "../../../protocol/limits";
import { consoleApi } from "../console-api";
import { VARIABLES } from "../fill-reply";
import { describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";

type Locale = (typeof LOCALES)[number];
type Draft = { shortcut: string; title: string; body: string; variants: Partial<Record<Locale, string>>; scope: "personal" | "shared" };
const EMPTY: Draft = { shortcut: "", title: "", body: "", variants: {}, scope: "personal" };

const LANGUAGES: Record<Locale, string> = {
  en: "English", fi: "Finnish", sv: "Swedish", no: "Norwegian", da: "Danish", de: "German", nl: "Dutch", it: "Italian",
};

/**
 * Saved replies: every agent keeps personal ones; admins also keep the shared ones the whole
 * workspace sees. The composer's `/` list offers them all.
 */
export class CannedResponsesView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { height: 100%; min-height: 0; overflow: auto; background: #f7f8fb; }
      .wrap { padding: 18px 22px 40px; max-width: 1100px; }
      h1 { font-size: 20px; margin: 0 0 12px; }
      form.card { display: grid; gap: 10px; max-width: 760px; margin-bottom: 22px; }
      .row > label { flex: 1; min-width: 160px; }
      details { font-size: 14px; }
      summary { cursor: pointer; font-weight: 600; }
      details .variants { display: grid; gap: 8px; margin-top: 8px; }
      .body { white-space: pre-wrap; color: #3a4150; margin-top: 4px; }
      .shortcut { font: 13px/1.4 ui-monospace, monospace; color: #1f44b8; }
    `,
  ];
  static override properties = {
    agent: { attribute: false },
    replies: { state: true },
    draft: { state: true },
    editingId: { state: true },
    error: { state: true },
    formError: { state: true },
    status: { state: true },
  };
  declare agent: Agent | null;
  declare replies: CannedResponse[] | null;
  declare draft: Draft;
  declare editingId: string;
  declare error: string;
  declare formError: string;
  declare status: string;

  constructor() {
    super();
    this.agent = null;
    this.replies = null;
    this.draft = EMPTY;
    this.editingId = "";
    this.error = "";
    this.formError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    consoleApi.cannedResponses().then(
      ({ cannedResponses }) => (this.replies = cannedResponses),
      (err) => (this.error = describeError(err)),
    );
  }

  private canEdit(r: CannedResponse): boolean {
    return r.scope === "personal" || this.agent?.role === "admin";
  }

  private edit(r: CannedResponse): void {
    this.editingId = r.id;
    this.draft = { shortcut: r.shortcut, title: r.title, body: r.body, variants: { ...r.variants }, scope: r.scope };
    this.formError = "";
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("#reply-shortcut")?.focus());
  }

  private reset(): void {
    this.editingId = "";
    this.draft = EMPTY;
    this.formError = "";
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.formError = "";
    const { scope, ...fields } = this.draft;
    const variants = Object.fromEntries(Object.entries(fields.variants).filter(([, text]) => text?.trim()));
    try {
      const { cannedResponse } = this.editingId
        ? await consoleApi.updateCannedResponse(this.editingId, { ...fields, variants })
        : await consoleApi.createCannedResponse({ ...fields, variants, scope });
      const others = (this.replies ?? []).filter((r) => r.id !== cannedResponse.id);
      this.replies = [...others, cannedResponse].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
      this.status = `Saved reply /${cannedResponse.shortcut} ${this.editingId ? "saved" : "added"}.`;
      this.reset();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private async deleteOne(r: CannedResponse): Promise<void> {
    try {
      await consoleApi.deleteCannedResponse(r.id);
      this.replies = (this.replies ?? []).filter((x) => x.id !== r.id);
      if (this.editingId === r.id) this.reset();
      this.status = `Saved reply /${r.shortcut} deleted.`;
    } catch (err) {
      this.status = describeError(err);
    }
  }

  private renderForm() {
    const d = this.draft;
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    const variantCount = Object.values(d.variants).filter((t) => t?.trim()).length;
    return html`<form class="card" @submit=${this.submit} aria-labelledby="reply-form-title">
      <h2 id="reply-form-title">${this.editingId ? "Edit saved reply" : "New saved reply"}</h2>
      <div class="row">
        <label class="field">Shortcut
          <input id="reply-shortcut" required maxlength="40" pattern="[a-z0-9][a-z0-9_\\-]*" placeholder="refund-policy" .value=${d.shortcut}
            @input=${(e: Event) => (this.draft = { ...d, shortcut: value(e) })} />
        </label>
        <label class="field">Title
          <input required maxlength="120" .value=${d.title} @input=${(e: Event) => (this.draft = { ...d, title: value(e) })} />
        </label>
        ${this.agent?.role === "admin" && !this.editingId
          ? html`<label class="field">Who sees it
              <select @change=${(e: Event) => (this.draft = { ...d, scope: value(e) as Draft["scope"] })}>
                <option value="personal" ?selected=${d.scope === "personal"}>Only me</option>
                <option value="shared" ?selected=${d.scope === "shared"}>Everyone (shared)</option>
              </select>
            </label>`
          : nothing}
      </div>
      <label class="field">Reply
        <textarea required rows="5" .value=${d.body} @input=${(e: Event) => (this.draft = { ...d, body: value(e) })}></textarea>
      </label>
      <p class="hint">Variables, filled when the reply is inserted: ${Object.entries(VARIABLES).map(([v, what], i) => html`${i ? ", " : ""}<code>{{${v}}}</code> (${what})`)}</p>
      <details>
        <summary>Other languages (${variantCount})</summary>
        <p class="hint">The visitor's language picks one of these; otherwise the reply above is used.</p>
        <div class="variants">
          ${LOCALES.map(
            (l) => html`<label class="field">${LANGUAGES[l]}
              <textarea rows="2" .value=${d.variants[l] ?? ""} @input=${(e: Event) => (this.draft = { ...d, variants: { ...d.variants, [l]: value(e) } })}></textarea>
            </label>`,
          )}
        </div>
      </details>
      ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="primary" type="submit">${this.editingId ? "Save reply" : "Add reply"}</button>
        ${this.editingId ? html`<button class="secondary" type="button" @click=${this.reset}>Cancel</button>` : nothing}
      </div>
    </form>`;
  }

  override render() {
    if (this.error) return html`<div class="wrap"><p role="alert" class="error">${this.error}</p></div>`;
    if (!this.replies) return html`<div class="wrap"><p class="muted">Loading saved replies…</p></div>`;
    return html`<div class="wrap">
      <h1>Saved replies</h1>
      <p class="hint">Type <code>/</code> in a reply to insert one.${this.agent?.role === "admin" ? "" : " Shared replies are kept by admins."}</p>
      ${this.renderForm()}
      <p role="status" class="ok">${this.status}</p>
      ${this.replies.length
        ? html`<table>
            <caption class="sr-only">Saved replies</caption>
            <thead><tr><th scope="col">Shortcut</th><th scope="col">Reply</th><th scope="col">Who sees it</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.replies.map(
                (r) => html`<tr>
                  <td class="nowrap"><span class="shortcut">/${r.shortcut}</span></td>
                  <td><strong>${r.title}</strong><div class="body">${r.body}</div>
                    ${Object.keys(r.variants).length ? html`<span class="hint">Also in ${Object.keys(r.variants).map((l) => LANGUAGES[l as Locale]).join(", ")}</span>` : nothing}</td>
                  <td class="nowrap">${r.scope === "shared" ? html`<span class="badge good">Everyone</span>` : html`<span class="badge">Only me</span>`}</td>
                  <td class="actions-cell">${this.canEdit(r)
                    ? html`<div class="actions">
                        <button class="secondary" type="button" aria-label=${`Edit /${r.shortcut}`} @click=${() => this.edit(r)}>Edit</button>
                        <parley-admin-confirm-button label="Delete" accessible-name=${`Delete /${r.shortcut}`} confirm-label="Delete reply"
                          question="Delete this saved reply?" @confirmed=${() => this.deleteOne(r)}></parley-admin-confirm-button>
                      </div>`
                    : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No saved replies yet.</p>`}
    </div>`;
  }
}

if (!customElements.get("parley-saved-replies")) customElements.define("parley-saved-replies", CannedResponsesView);
