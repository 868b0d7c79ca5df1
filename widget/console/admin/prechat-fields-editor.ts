import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { PreChatField } from "../../../protocol/channel";
import { adminStyles } from "./admin-styles";

const MAX_FIELDS = 10;
const TYPES: [PreChatField["type"], string][] = [
  ["text", "Text"],
  ["tel", "Phone number"],
  ["select", "Choice from a list"],
];

/** A field as edited: the options stay raw text until they are read, so typing a new line works. */
type Row = Omit<PreChatField, "options"> & { optionsText: string };

const toRow = (f: PreChatField): Row => ({ key: f.key, label: f.label, type: f.type, required: f.required, optionsText: (f.options ?? []).join("\n") });

function toField(r: Row): PreChatField {
  const field: PreChatField = { key: r.key.trim(), label: r.label.trim(), type: r.type, required: r.required };
  if (r.type === "select") field.options = r.optionsText.split("\n").map((o) => o.trim()).filter(Boolean);
  return field;
}

/** The channel's extra pre-chat fields, besides name and email; emits `value-changed`. */
export class PreChatFieldsEditor extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { display: grid; gap: 10px; justify-items: start; }
      fieldset { margin: 0; justify-self: stretch; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; align-items: end; }
    `,
  ];
  static override properties = { value: { attribute: false }, rows: { state: true } };
  declare value: PreChatField[];
  declare rows: Row[];
  private emitted: PreChatField[] | null = null;

  constructor() {
    super();
    this.value = [];
    this.rows = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A value this editor did not send itself (another channel, a saved reload) replaces the rows.
    if (changed.has("value") && this.value !== this.emitted) this.rows = this.value.map(toRow);
  }

  private change(rows: Row[]): void {
    this.rows = rows;
    this.emitted = rows.map(toField);
    this.dispatchEvent(new CustomEvent("value-changed", { detail: this.emitted }));
  }

  private patch(index: number, patch: Partial<Row>): void {
    this.change(this.rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  }

  private renderRow(row: Row, i: number) {
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <fieldset>
        <legend>Field ${i + 1}${row.label ? `: ${row.label}` : ""}</legend>
        <div class="grid">
          <label class="field">Label <input .value=${row.label} maxlength="80" @input=${(e: Event) => this.patch(i, { label: value(e) })} /></label>
          <label class="field">Key <input .value=${row.key} maxlength="32" placeholder="company" @input=${(e: Event) => this.patch(i, { key: value(e) })} /></label>
          <label class="field">Type
            <select @change=${(e: Event) => this.patch(i, { type: value(e) as Row["type"] })}>
              ${TYPES.map(([type, name]) => html`<option value=${type} ?selected=${row.type === type}>${name}</option>`)}
            </select>
          </label>
          <label class="check"><input type="checkbox" .checked=${row.required} @change=${(e: Event) => this.patch(i, { required: (e.target as HTMLInputElement).checked })} /> Required</label>
        </div>
        ${row.type === "select"
          ? html`<label class="field">Options, one per line
              <textarea rows="3" .value=${row.optionsText} @input=${(e: Event) => this.patch(i, { optionsText: value(e) })}></textarea>
            </label>`
          : nothing}
        <div><button class="secondary" type="button" aria-label=${`Remove field ${i + 1}`} @click=${() => this.change(this.rows.filter((_, j) => j !== i))}>Remove field</button></div>
      </fieldset>
    `;
  }

  override render() {
    return html`
      ${this.rows.length ? nothing : html`<p class="hint">Visitors give only their name and email.</p>`}
      ${this.rows.map((r, i) => this.renderRow(r, i))}
      ${this.rows.length < MAX_FIELDS
        ? html`<button class="secondary" type="button"
            @click=${() => this.change([...this.rows, { key: "", label: "", type: "text", required: false, optionsText: "" }])}>Add field</button>`
        : nothing}
      <p class="hint">The key names the answer in the console and the API: lower-case letters, digits and _.</p>
    `;
  }
}

customElements.define("parley-admin-prechat-fields", PreChatFieldsEditor);
