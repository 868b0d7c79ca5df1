import { css, html, LitElement, nothing } from "lit";
import { styleMap } from "lit/directives/style-map.js";
import type { Agent } from "../../../protocol/api";
import type { WorkspaceAgent } from "../../../protocol/console";
import type { ConsoleChannel } from "../../../protocol/lobby";
import type { ReportResponse } from "../../../protocol/reports";
import { consoleStyles } from "../styles";
import { duration, percent, periodLabel, stars } from "./format";
import "./heat-map";
import "./report-chart";
import { reportsApi, type ReportRequest } from "./reports-api";

const DAY_MS = 86_400_000;
const PRESETS = [
  { label: "Last 7 days", days: 7 },
  { label: "Last 28 days", days: 28 },
  { label: "Last 90 days", days: 90 },
] as const;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Duration ticks at whole minutes and hours. */
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440].map((m) => m * 60_000);

/**
 * The console's Reports page (loaded only when opened, with its charting library): a date range
 * with presets, filters, summary tiles, charts each with its table, the heat map, agents, topics
 * and the newest comments, and CSV exports of the same query.
 */
export class ReportsPage extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; height: 100%; overflow-y: auto; background: #f5f6fa; }
      .page { max-width: 1240px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
      /* Grid items may shrink below their content (the heat map's 24 columns scroll inside their card instead). */
      .page > *, .charts > * { min-width: 0; }
      h1 { font-size: 20px; margin: 0; }
      h2 { font-size: 15px; margin: 0 0 8px; }
      form { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
      .presets { display: flex; gap: 4px; flex-wrap: wrap; }
      .presets button[aria-pressed="true"] { background: #34405a; color: #fff; border-color: #34405a; }
      .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 0; }
      .tile { background: #fff; border: 1px solid #dde1ea; border-radius: 10px; padding: 10px 12px; }
      .tile dt { font-size: 12px; color: #5b6272; font-weight: 600; }
      .tile dd { margin: 2px 0 0; font-size: 22px; font-weight: 700; }
      .tile dd small { font-size: 12px; font-weight: 400; color: #5b6272; display: block; }
      .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 12px; }
      section.card { background: #fff; border: 1px solid #dde1ea; border-radius: 10px; padding: 12px; overflow-x: auto; }
      table.list { border-collapse: collapse; width: 100%; font-size: 13px; }
      table.list th, table.list td { padding: 4px 8px; border-bottom: 1px solid #eceef3; text-align: left; }
      table.list td.n { text-align: right; }
      .exports { display: flex; gap: 10px; flex-wrap: wrap; }
      .exports a { color: #2f5bea; }
      blockquote { margin: 0; }
      ul.comments { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
      ul.comments li { border-bottom: 1px solid #eceef3; padding-bottom: 6px; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; border: 1px solid rgb(0 0 0 / 0.25); }
    `,
  ];
  static override properties = {
    agent: { attribute: false },
    channels: { attribute: false },
    agents: { attribute: false },
    request: { state: true },
    report: { state: true },
    error: { state: true },
  };
  declare agent: Agent | null;
  declare channels: ConsoleChannel[];
  declare agents: WorkspaceAgent[];
  declare request: ReportRequest;
  declare report: ReportResponse | null;
  declare error: string;
  private preset = 28;

  constructor() {
    super();
    this.agent = null;
    this.channels = [];
    this.agents = [];
    this.report = null;
    this.error = "";
    this.request = { ...this.lastDays(28), group: "day", channel: "", agent: "" };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private lastDays(days: number) {
    const today = Date.now();
    return { from: iso(today - (days - 1) * DAY_MS), to: iso(today) };
  }

  private async load(): Promise<void> {
    this.error = "";
    try {
      this.report = await reportsApi.report(this.request);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  private change(patch: Partial<ReportRequest>, preset = 0): void {
    this.preset = preset;
    this.request = { ...this.request, ...patch };
    void this.load();
  }

  private renderFilters() {
    const r = this.request;
    const field = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
    return html`<form @submit=${(e: Event) => e.preventDefault()} aria-label="Report range and filters">
      <div class="presets" role="group" aria-label="Presets">
        ${PRESETS.map(
          (p) => html`<button type="button" class="secondary" aria-pressed=${this.preset === p.days ? "true" : "false"} @click=${() => this.change(this.lastDays(p.days), p.days)}>
            ${p.label}
          </button>`,
        )}
      </div>
      <label class="field">From <input type="date" .value=${r.from} max=${r.to} @change=${(e: Event) => this.change({ from: field(e) })} /></label>
      <label class="field">To <input type="date" .value=${r.to} min=${r.from} @change=${(e: Event) => this.change({ to: field(e) })} /></label>
      <label class="field">Group by
        <select .value=${r.group} @change=${(e: Event) => this.change({ group: field(e) as ReportRequest["group"] }, this.preset)}>
          <option value="day">Day</option><option value="week">Week</option><option value="month">Month</option>
        </select>
      </label>
      <label class="field">Channel
        <select .value=${r.channel} @change=${(e: Event) => this.change({ channel: field(e) }, this.preset)}>
          <option value="">All channels</option>
          ${this.channels.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
      </label>
      ${this.report?.scope === "own"
        ? nothing
        : html`<label class="field">Agent
            <select .value=${r.agent} @change=${(e: Event) => this.change({ agent: field(e) }, this.preset)}>
              <option value="">All agents</option>
              ${this.agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
            </select>
          </label>`}
    </form>`;
  }

  private renderTiles(r: ReportResponse) {
    const t = r.totals;
    const tile = (label: string, value: string, note = "") => html`<div class="tile"><dt>${label}</dt><dd>${value}${note ? html`<small>${note}</small>` : nothing}</dd></div>`;
    return html`<dl class="tiles" aria-label="Summary">
      ${tile("Conversations", String(t.started))} ${tile("Accepted", String(t.accepted))}
      ${tile("Missed", String(t.missed), t.started ? `${percent(t.missed / t.started)} of started` : "")}
      ${tile("Tickets", t.tickets === null ? "–" : String(t.tickets))}
      ${tile("Waiting, median", duration(t.wait.median), `p90 ${duration(t.wait.p90)}`)}
      ${tile("First response, median", duration(t.firstResponse.median), `p90 ${duration(t.firstResponse.p90)}`)}
      ${tile("Resolution, median", duration(t.resolution.median), `p90 ${duration(t.resolution.p90)}`)}
      ${tile("Satisfied", percent(t.satisfiedShare))} ${tile("Average rating", stars(t.averageRating), "of 5 stars")}
      ${tile("End form answered", percent(t.endFormRate))} ${tile("Survey answered", percent(t.surveyRate))}
    </dl>`;
  }

  private renderCharts(r: ReportResponse) {
    const labels = r.series.map((s) => periodLabel(s.period, r.group));
    const count = (v: number | null) => (v === null ? "–" : String(Math.round(v)));
    const minutes = (v: number | null) => duration(v);
    const col = <K extends keyof ReportResponse["series"][number]>(k: K) => r.series.map((s) => s[k] as number | null);
    return html`<div class="charts">
      <parley-report-chart heading="Volume" kind="line" .labels=${labels} .format=${count}
        .series=${[
          { label: "Started", color: "#2f5bea", values: col("started") },
          { label: "Accepted", color: "#1f9d55", values: col("accepted") },
          { label: "Missed", color: "#d93025", values: col("missed") },
        ]}></parley-report-chart>
      <parley-report-chart heading="Waiting and first response (median)" kind="bar" .labels=${labels} .format=${minutes} .steps=${MINUTE_STEPS}
        .series=${[
          { label: "Waiting", color: "#f2a33a", values: r.series.map((s) => s.wait.median) },
          { label: "First response", color: "#7b4fd6", values: r.series.map((s) => s.firstResponse.median) },
        ]}></parley-report-chart>
      <parley-report-chart heading="Resolution time" kind="line" .labels=${labels} .format=${minutes} .steps=${MINUTE_STEPS}
        .series=${[
          { label: "Median", color: "#0e7c86", values: r.series.map((s) => s.resolution.median) },
          { label: "p90", color: "#9aa3b5", values: r.series.map((s) => s.resolution.p90) },
        ]}></parley-report-chart>
      <parley-report-chart heading="Satisfaction" kind="line" .labels=${labels} .format=${(v: number | null) => percent(v)}
        .series=${[
          { label: "Satisfied", color: "#1f9d55", values: col("satisfiedShare") },
          { label: "End form answered", color: "#2f5bea", values: col("endFormRate") },
        ]}></parley-report-chart>
    </div>`;
  }

  private renderDetails(r: ReportResponse) {
    return html`<div class="charts">
      <section class="card" tabindex="0" aria-labelledby="agents-title">
        <h2 id="agents-title">Agents</h2>
        <table class="list">
          <thead><tr><th scope="col">Agent</th><th scope="col">Handled</th><th scope="col">Most at once</th><th scope="col">First response</th><th scope="col">Rating</th></tr></thead>
          <tbody>
            ${r.agents.map(
              (a) => html`<tr><th scope="row">${a.name}</th><td class="n">${a.handled}</td><td class="n">${a.peakConcurrent}</td>
                <td class="n">${duration(a.firstResponseMedian)}</td><td class="n">${stars(a.averageRating)}</td></tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="topics-title">
        <h2 id="topics-title">Topics</h2>
        <table class="list">
          <thead><tr><th scope="col">Topic</th><th scope="col">Conversations</th></tr></thead>
          <tbody>${r.topics.map((t) => html`<tr><th scope="row">${t.topic}</th><td class="n">${t.conversations}</td></tr>`)}</tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="labels-title">
        <h2 id="labels-title">Labels</h2>
        ${r.labels.length === 0
          ? html`<p class="muted">No labelled conversations in this range.</p>`
          : html`<table class="list">
              <thead><tr><th scope="col">Label</th><th scope="col">Conversations</th></tr></thead>
              <tbody>${r.labels.map(
                (l) => html`<tr><th scope="row"><span class="swatch" style=${styleMap({ background: l.color })} aria-hidden="true"></span>${l.name}</th><td class="n">${l.conversations}</td></tr>`,
              )}</tbody>
            </table>`}
      </section>
    </div>
    <section class="card" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments, newest first</h2>
      ${r.comments.length === 0
        ? html`<p class="muted">No comments in this range.</p>`
        : html`<ul class="comments">
            ${r.comments.map(
              (c) => html`<li>
                <a href="#view=inbox&c=${encodeURIComponent(c.conversationId)}">${c.subject}</a>
                <span class="muted">${c.rating === null ? "" : `${c.rating} of 5 stars`}${c.satisfied === null ? "" : c.satisfied ? " · Satisfied" : " · Not satisfied"}</span>
                <blockquote>${c.comment}</blockquote>
              </li>`,
            )}
          </ul>`}
    </section>`;
  }

  override render() {
    const r = this.report;
    return html`<div class="page">
      <h1>Reports</h1>
      ${this.renderFilters()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${r
        ? html`<p class="muted">
              ${r.from} – ${r.to}, ${r.timeZone}${r.scope === "own" ? " · your own conversations" : ""} · durations count the channel's opening hours
            </p>
            ${this.renderTiles(r)} ${this.renderCharts(r)}
            <parley-heat-map .cells=${r.heatmap}></parley-heat-map>
            ${this.renderDetails(r)}
            <p class="exports">
              Export: <a href=${reportsApi.dailyCsvUrl(this.request)} download>Figures per ${r.group} (CSV)</a>
              <a href=${reportsApi.conversationsCsvUrl(this.request)} download>Conversations (CSV)</a>
            </p>`
        : html`<p class="muted" role="status">Loading…</p>`}
    </div>`;
  }
}

if (!customElements.get("parley-reports")) customElements.define("parley-reports", ReportsPage);
