import { css, html, LitElement, nothing } from "lit";
import type { Label } from "../../../protocol/labels";
import { consoleApi } from "../console-api";
import { labelChip, labelChipStyles } from "../label-chips";
import { describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";

type Draft = { name: string; color: string };
const EMPTY: Draft = { name: "", color: "#2f5bea" };

/** Labels agents put on conversations: a name and a colour each; deleting one takes it off every thread. */
export class LabelsView extends LitElement {
  static override styles = [
    adminStyles,
    labelChipStyles,
    css`
      form.card { display: grid; gap: 10px; max-width: 560px; margin-bottom: 22px; }
      input[type="color"] { width: 64px; height: 36px; padding: 2px; }
    `,
  ];
  static override properties = {
    labels: { state: true },
    draft: { state: true },
    editingId: { state: true },
    error: { state: true },
    formError: { state: true },
    status: { state: true },
  };
  declare labels: Label[] | null;
  declare draft: Draft;
  declare editingId: string;
  declare error: string;
  declare formError: string;
  declare status: string;

  constructor() {
    super();
    this.labels = null;
    this.draft = EMPTY;
    this.editingId = "";
    this.error = "";
    this.formError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    consoleApi.labels().then(
      ({ labels }) => (this.labels = labels),
      (err) => (this.error = describeError(err)),
    );
  }

  private edit(label: Label): void {
    this.editingId = label.id;
    this.draft = { name: label.name, color: label.color };
    this.formError = "";
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("#label-name")?.focus());
  }

  private reset(): void {
    this.editingId = "";
    this.draft = EMPTY;
    this.formError = "";
  }

  private sorted(list: Label[]): Label[] {
    return [...list].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.formError = "";
    try {
      if (this.editingId) {
        const { label } = await consoleApi.updateLabel(this.editingId, this.draft);
        this.labels = this.sorted((this.labels ?? []).map((l) => (l.id === label.id ? label : l)));
        this.status = `Label ${label.name} saved.`;
      } else {
        const { label } = await consoleApi.createLabel(this.draft);
        this.labels = this.sorted([...(this.labels ?? []), label]);
        this.status = `Label ${label.name} added.`;
      }
      this.reset();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private async deleteOne(label: Label): Promise<void> {
    try {
      await consoleApi.deleteLabel(label.id);
      this.labels = (this.labels ?? []).filter((l) => l.id !== label.id);
      if (this.editingId === label.id) this.reset();
      this.status = `Label ${label.name} deleted.`;
    } catch (err) {
      this.status = describeError(err);
    }
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.labels) return html`<p class="muted">Loading labels…</p>`;
    const d = this.draft;
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <h2>Labels</h2>
      <form class="card" @submit=${this.submit} aria-labelledby="label-form-title">
        <h3 id="label-form-title">${this.editingId ? "Edit label" : "New label"}</h3>
        <div class="row">
          <label class="field">Label name
            <input id="label-name" required maxlength="40" .value=${d.name} @input=${(e: Event) => (this.draft = { ...d, name: value(e) })} />
          </label>
          <label class="field">Colour
            <input type="color" .value=${d.color} @input=${(e: Event) => (this.draft = { ...d, color: value(e) })} />
          </label>
          <span>${labelChip({ id: "preview", name: d.name || "Preview", color: d.color })}</span>
        </div>
        ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${this.editingId ? "Save label" : "Add label"}</button>
          ${this.editingId ? html`<button class="secondary" type="button" @click=${this.reset}>Cancel</button>` : nothing}
        </div>
      </form>
      <p role="status" class="ok">${this.status}</p>
      ${this.labels.length
        ? html`<table>
            <caption class="sr-only">Labels</caption>
            <thead><tr><th scope="col">Label</th><th scope="col">Colour</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.labels.map(
                (l) => html`<tr>
                  <td>${labelChip(l)}</td>
                  <td><code>${l.color}</code></td>
                  <td class="actions-cell"><div class="actions">
                    <button class="secondary" type="button" aria-label=${`Edit label ${l.name}`} @click=${() => this.edit(l)}>Edit</button>
                    <parley-admin-confirm-button label="Delete" accessible-name=${`Delete label ${l.name}`} confirm-label="Delete label"
                      question="Delete this label? It comes off every conversation." @confirmed=${() => this.deleteOne(l)}></parley-admin-confirm-button>
                  </div></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No labels yet.</p>`}
    `;
  }
}

if (!customElements.get("parley-admin-labels")) customElements.define("parley-admin-labels", LabelsView);
