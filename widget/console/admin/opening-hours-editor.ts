import { css, html, LitElement, nothing } from "lit";
import type { OpeningHours } from "../../../protocol/channel";
import { adminStyles } from "./admin-styles";

type Day = keyof OpeningHours["days"];
type Interval = [string, string];

const DAYS: [Day, string][] = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];
const MAX_INTERVALS = 4;

/** What a channel gets when an admin first turns "Always open" off: office hours where they are. */
function officeHours(): OpeningHours {
  const nineToFive = (): Interval[] => [["09:00", "17:00"]];
  return {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    days: { mon: nineToFive(), tue: nineToFive(), wed: nineToFive(), thu: nineToFive(), fri: nineToFive() },
  };
}

const timeZones = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

/** Opening hours in the channel's time zone, up to four spans a day; emits `value-changed`. */
export class OpeningHoursEditor extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { display: grid; gap: 12px; }
      td.day { width: 130px; font-weight: 600; vertical-align: middle; }
      .spans { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; }
      .span { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
      .span label { display: flex; gap: 6px; align-items: center; font-size: 13px; color: #5b6272; }
      .closed { color: #5b6272; padding: 6px 0; }
      .zone { max-width: 360px; }
    `,
  ];
  static override properties = { value: { attribute: false } };
  declare value: OpeningHours | null;

  constructor() {
    super();
    this.value = null;
  }

  private emit(value: OpeningHours | null): void {
    this.dispatchEvent(new CustomEvent("value-changed", { detail: value }));
  }

  private setDay(day: Day, spans: Interval[]): void {
    const hours = this.value!;
    const days = { ...hours.days };
    if (spans.length) days[day] = spans;
    else delete days[day];
    this.emit({ ...hours, days });
  }

  private setTime(day: Day, index: number, edge: 0 | 1, time: string): void {
    const spans = (this.value!.days[day] ?? []).map((s) => [...s] as Interval);
    spans[index]![edge] = time;
    this.setDay(day, spans);
  }

  private renderDay([day, name]: [Day, string]) {
    const spans = this.value!.days[day] ?? [];
    return html`
      <tr>
        <td class="day">${name}</td>
        <td>
          <div class="spans">
            ${spans.length ? nothing : html`<span class="closed">Closed</span>`}
            ${spans.map(
              ([from, to], i) => html`
                <div class="span">
                  <label><span class="sr-only">${name}${spans.length > 1 ? ` ${i + 1}` : ""} </span>Opens
                    <input type="time" required .value=${from} @input=${(e: Event) => this.setTime(day, i, 0, (e.target as HTMLInputElement).value)} />
                  </label>
                  <label><span class="sr-only">${name}${spans.length > 1 ? ` ${i + 1}` : ""} </span>Closes
                    <input type="time" required .value=${to} @input=${(e: Event) => this.setTime(day, i, 1, (e.target as HTMLInputElement).value)} />
                  </label>
                  <button class="secondary" type="button" aria-label=${`Remove ${name} hours ${from}–${to}`}
                    @click=${() => this.setDay(day, spans.filter((_, j) => j !== i))}>Remove</button>
                </div>
              `,
            )}
            ${spans.length < MAX_INTERVALS
              ? html`<button class="secondary" type="button" aria-label=${`Add hours on ${name}`}
                  @click=${() => this.setDay(day, [...spans, spans.length ? ["13:00", "17:00"] : ["09:00", "17:00"]])}>Add hours</button>`
              : nothing}
          </div>
        </td>
      </tr>
    `;
  }

  override render() {
    const hours = this.value;
    return html`
      <label class="check">
        <input type="checkbox" .checked=${hours === null} @change=${(e: Event) => this.emit((e.target as HTMLInputElement).checked ? null : officeHours())} />
        Always open
      </label>
      ${hours === null
        ? html`<p class="hint">Visitors can start a chat at any time an agent is available.</p>`
        : html`
            <label class="field zone">Time zone
              <input list="time-zones" .value=${hours.timeZone} placeholder="Europe/Helsinki"
                @input=${(e: Event) => this.emit({ ...hours, timeZone: (e.target as HTMLInputElement).value })} />
            </label>
            <datalist id="time-zones">${timeZones.map((tz) => html`<option value=${tz}></option>`)}</datalist>
            <table>
              <thead><tr><th scope="col">Day</th><th scope="col">Hours</th></tr></thead>
              <tbody>${DAYS.map((d) => this.renderDay(d))}</tbody>
            </table>
            <p class="hint">Outside these hours the widget says the channel is closed and shows these hours.</p>
          `}
    `;
  }
}

customElements.define("parley-admin-opening-hours", OpeningHoursEditor);
