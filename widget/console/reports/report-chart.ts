import { css, html, LitElement, unsafeCSS, type PropertyValues } from "lit";
import uPlot from "uplot";
import uPlotCss from "uplot/dist/uPlot.min.css";
import { consoleStyles } from "../styles";

/** One line or bar series of a chart; null where a period has no value. */
export type ChartSeries = { label: string; color: string; values: (number | null)[] };

/**
 * A uPlot chart with its numbers as a table behind it: the canvas is hidden from screen readers,
 * the table (in a disclosure under the chart) is what they read, with the same formatted values.
 */
export class ReportChart extends LitElement {
  static override styles = [
    consoleStyles,
    unsafeCSS(uPlotCss),
    css`
      :host { display: block; }
      figure { margin: 0; padding: 12px; border: 1px solid #dde1ea; border-radius: 10px; background: #fff; }
      figcaption { font-weight: 700; margin-bottom: 6px; }
      .plot { min-height: 220px; }
      table { border-collapse: collapse; font-size: 13px; margin-top: 6px; }
      th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eceef3; }
      th:first-child, td:first-child { text-align: left; }
      summary { cursor: pointer; color: #2f5bea; font-size: 13px; margin-top: 6px; }
      /* The legend names the colours only (the table has the values) and wraps on a phone. */
      .u-legend { white-space: normal; font-size: 13px; }
      .u-legend tr { display: inline-block; }
    `,
  ];
  static override properties = {
    heading: { type: String },
    kind: { type: String },
    labels: { attribute: false },
    series: { attribute: false },
    format: { attribute: false },
    steps: { attribute: false },
  };
  declare heading: string;
  declare kind: "line" | "bar";
  /** The x axis: one label per period, in order. */
  declare labels: string[];
  declare series: ChartSeries[];
  declare format: (value: number | null) => string;
  /** Where the y axis may put its ticks (e.g. whole minutes for durations); uPlot's own when empty. */
  declare steps: number[];
  private plot: uPlot | null = null;
  private readonly resize = new ResizeObserver(() => this.plot?.setSize(this.size()));

  constructor() {
    super();
    this.heading = "";
    this.kind = "line";
    this.labels = [];
    this.series = [];
    this.format = (v) => (v === null ? "–" : String(v));
    this.steps = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private size() {
    const box = this.renderRoot.querySelector<HTMLElement>(".plot");
    return { width: Math.max(240, (box?.clientWidth ?? 600) - 4), height: 220 };
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has("labels") && !changed.has("series") && !changed.has("kind")) return;
    const box = this.renderRoot.querySelector<HTMLElement>(".plot")!;
    this.plot?.destroy();
    const xs = this.labels.map((_, i) => i);
    const labels = this.labels;
    // Bars of several series stand side by side, not on top of each other.
    const count = this.series.length;
    const bars = (i: number) =>
      this.kind === "bar" ? uPlot.paths.bars!({ size: [0.8 / Math.max(1, count), 40], align: count === 1 ? 0 : i === 0 ? -1 : 1 }) : undefined;
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [
          { values: (_u, ticks) => ticks.map((t) => labels[t] ?? ""), space: 60, gap: 4 },
          { values: (_u, ticks) => ticks.map((t) => this.format(t)), size: 70, ...(this.steps.length ? { incrs: this.steps } : {}) },
        ],
        series: [
          { label: "Period", value: (_u, i) => labels[i] ?? "" },
          ...this.series.map((s, i) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            fill: this.kind === "bar" ? s.color : undefined,
            paths: bars(i),
            points: { show: this.kind === "line" && xs.length < 40 },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => this.format(v),
          })),
        ],
      },
      [xs, ...this.series.map((s) => s.values)] as uPlot.AlignedData,
      box,
    );
    this.resize.observe(box);
  }

  override render() {
    return html`<figure>
      <figcaption>${this.heading}</figcaption>
      <div class="plot" aria-hidden="true"></div>
      <details>
        <summary>Table: ${this.heading}</summary>
        <table>
          <caption class="sr-only">${this.heading}</caption>
          <thead><tr><th scope="col">Period</th>${this.series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
          <tbody>
            ${this.labels.map((l, i) => html`<tr><th scope="row">${l}</th>${this.series.map((s) => html`<td>${this.format(s.values[i] ?? null)}</td>`)}</tr>`)}
          </tbody>
        </table>
      </details>
    </figure>`;
  }
}

if (!customElements.get("parley-report-chart")) customElements.define("parley-report-chart", ReportChart);
