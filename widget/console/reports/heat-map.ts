import { css, html, LitElement } from "lit";
import type { ReportResponse } from "../../../protocol/reports";
import { consoleStyles } from "../styles";
import { WEEKDAYS } from "./format";

/**
 * Conversations started per weekday and hour, for staffing: a real table whose cells are shaded by
 * volume, so the chart and its accessible table are one and the same.
 */
export class HeatMap extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; }
      figure { margin: 0; padding: 12px; border: 1px solid #dde1ea; border-radius: 10px; background: #fff; overflow-x: auto; }
      figcaption { font-weight: 700; margin-bottom: 6px; }
      table { border-collapse: separate; border-spacing: 2px; font-size: 11px; }
      th { font-weight: 600; color: #3d4455; padding: 0 4px; }
      td { width: 24px; height: 22px; text-align: center; border-radius: 4px; }
    `,
  ];
  static override properties = { cells: { attribute: false } };
  declare cells: ReportResponse["heatmap"];

  constructor() {
    super();
    this.cells = [];
  }

  override render() {
    const counts = new Map(this.cells.map((c) => [`${c.weekday}:${c.hour}`, c.conversations]));
    const most = Math.max(1, ...this.cells.map((c) => c.conversations));
    const hours = [...Array(24).keys()];
    // Focusable, so that a keyboard can scroll it on a phone, where its 24 columns overflow.
    return html`<figure tabindex="0" aria-labelledby="heat-title">
      <figcaption id="heat-title">Conversations by weekday and hour</figcaption>
      <table aria-labelledby="heat-title">
        <thead><tr><td></td>${hours.map((h) => html`<th scope="col" abbr="${h}:00">${h}</th>`)}</tr></thead>
        <tbody>
          ${WEEKDAYS.map(
            (day, d) => html`<tr>
              <th scope="row" abbr=${day}>${day.slice(0, 3)}</th>
              ${hours.map((h) => {
                const n = counts.get(`${d}:${h}`) ?? 0;
                const strength = n / most;
                // Dark text on light cells, white on dark ones: 4.5:1 either way.
                const style = `background: rgb(47 91 234 / ${(0.06 + strength * 0.94).toFixed(2)}); color: ${strength > 0.45 ? "#fff" : "#1d2330"}`;
                return html`<td style=${style}>${n || ""}</td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
    </figure>`;
  }
}

if (!customElements.get("parley-heat-map")) customElements.define("parley-heat-map", HeatMap);
