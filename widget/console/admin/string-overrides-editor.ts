import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { ChannelConfig, Locale } from "../../../protocol/channel";
import { LOCALES } from "../../../protocol/limits";
import { en } from "../../chat/i18n/en";
import { launcherStrings } from "../../chat/launcher-strings";
import { adminStyles } from "./admin-styles";

type Overrides = ChannelConfig["strings"];
type Row = { key: string; text: string };

const LOCALE_NAMES: Record<Locale, string> = {
  en: "English",
  fi: "Finnish",
  sv: "Swedish",
  no: "Norwegian",
  da: "Danish",
  de: "German",
  nl: "Dutch",
  it: "Italian",
};

/** The widget's own English strings: their keys are what a channel can override. */
const DEFAULTS: Record<string, string> = { ...launcherStrings.en, ...en };

function toRows(overrides: Overrides): Record<Locale, Row[]> {
  return Object.fromEntries(
    LOCALES.map((l) => [l, Object.entries(overrides[l] ?? {}).map(([key, text]) => ({ key, text }))]),
  ) as Record<Locale, Row[]>;
}

function toOverrides(rows: Record<Locale, Row[]>): Overrides {
  const overrides: Overrides = {};
  for (const l of LOCALES) {
    const entries = rows[l].filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.text] as const);
    if (entries.length) overrides[l] = Object.fromEntries(entries);
  }
  return overrides;
}

/** Per-locale overrides of any widget string (the greeting, the closed message…); emits `value-changed`. */
export class StringOverridesEditor extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { display: grid; gap: 10px; justify-items: start; }
      .pick { max-width: 260px; }
      .entry { display: grid; grid-template-columns: minmax(160px, 220px) 1fr auto; gap: 10px; align-items: end; justify-self: stretch; }
    `,
  ];
  static override properties = { value: { attribute: false }, locale: { state: true }, rows: { state: true } };
  declare value: Overrides;
  declare locale: Locale;
  declare rows: Record<Locale, Row[]>;
  private emitted: Overrides | null = null;

  constructor() {
    super();
    this.value = {};
    this.locale = "en";
    this.rows = toRows({});
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("value") && this.value !== this.emitted) this.rows = toRows(this.value);
  }

  private change(rows: Row[]): void {
    this.rows = { ...this.rows, [this.locale]: rows };
    this.emitted = toOverrides(this.rows);
    this.dispatchEvent(new CustomEvent("value-changed", { detail: this.emitted }));
  }

  private patch(index: number, patch: Partial<Row>): void {
    this.change(this.rows[this.locale].map((r, i) => (i === index ? { ...r, ...patch } : r)));
  }

  override render() {
    const rows = this.rows[this.locale];
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <label class="field pick">Locale
        <select @change=${(e: Event) => (this.locale = value(e) as Locale)}>
          ${LOCALES.map((l) => {
            const count = this.rows[l].length;
            return html`<option value=${l} ?selected=${l === this.locale}>${LOCALE_NAMES[l]} (${l})${count ? ` · ${count} changed` : ""}</option>`;
          })}
        </select>
      </label>
      ${rows.length ? nothing : html`<p class="hint">The widget uses its own ${LOCALE_NAMES[this.locale]} text everywhere.</p>`}
      ${rows.map(
        (row, i) => html`
          <div class="entry">
            <label class="field">String
              <input list="string-keys" .value=${row.key} placeholder="greeting" @input=${(e: Event) => this.patch(i, { key: value(e) })} />
            </label>
            <label class="field">Text in ${LOCALE_NAMES[this.locale]}
              <input .value=${row.text} maxlength="1000" placeholder=${DEFAULTS[row.key] ?? ""} @input=${(e: Event) => this.patch(i, { text: value(e) })} />
            </label>
            <button class="secondary" type="button" aria-label=${`Remove ${row.key || "new"} string`}
              @click=${() => this.change(rows.filter((_, j) => j !== i))}>Remove</button>
          </div>
        `,
      )}
      <datalist id="string-keys">${Object.keys(DEFAULTS).map((k) => html`<option value=${k}>${DEFAULTS[k]}</option>`)}</datalist>
      <button class="secondary" type="button" @click=${() => this.change([...rows, { key: "", text: "" }])}>Add string</button>
    `;
  }
}

customElements.define("parley-admin-string-overrides", StringOverridesEditor);
