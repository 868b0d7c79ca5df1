import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../../protocol/api";
import { adminStyles } from "./admin-styles";
import "./agents-view";
import "./agent-load";
import "./api-keys-view";
import "./channels-view";
import "./faqs-view";
import "./labels-view";
import "./outbox-view";
import "./teams-view";

const SECTIONS = [
  { id: "channels", label: "Channels" },
  { id: "faqs", label: "FAQs" },
  { id: "labels", label: "Labels" },
  { id: "agents", label: "Agents" },
  { id: "teams", label: "Teams" },
  { id: "api-keys", label: "API keys" },
  { id: "outbox", label: "Email outbox" },
] as const;
type Section = (typeof SECTIONS)[number]["id"];

/**
 * Administration for the signed-in admin: one tab per section, arrow keys move between tabs
 * (the WAI-ARIA tabs pattern). The host passes the signed-in agent as `.agent`.
 */
export class AdminPanel extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { height: 100%; min-height: 0; overflow: auto; background: #f7f8fb; }
      .wrap { padding: 18px 22px 40px; max-width: 1200px; }
      h1 { font-size: 20px; margin: 0 0 12px; }
      [role="tablist"] { display: flex; gap: 4px; border-bottom: 1px solid #d9dde7; margin-bottom: 18px; flex-wrap: wrap; }
      [role="tab"] {
        border: 0; border-bottom: 3px solid transparent; background: none; padding: 8px 12px; cursor: pointer;
        color: #5b6272; font-weight: 600; margin-bottom: -1px;
      }
      [role="tab"][aria-selected="true"] { color: #1d2330; border-bottom-color: #2f5bea; }
      [role="tab"]:hover { color: #1d2330; }
    `,
  ];
  static override properties = { agent: { attribute: false }, section: { state: true } };
  declare agent: Agent | null;
  declare section: Section;

  constructor() {
    super();
    this.agent = null;
    this.section = "channels";
  }

  private select(section: Section, focus: boolean): void {
    this.section = section;
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${section}`)?.focus());
  }

  private onTabKey(e: KeyboardEvent): void {
    const index = SECTIONS.findIndex((s) => s.id === this.section);
    const last = SECTIONS.length - 1;
    const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.select(SECTIONS[next]!.id, true);
  }

  private renderSection() {
    const me = this.agent!;
    switch (this.section) {
      case "channels":
        return html`<parley-admin-channels></parley-admin-channels>`;
      case "faqs":
        return html`<parley-admin-faqs></parley-admin-faqs>`;
      case "labels":
        return html`<parley-admin-labels></parley-admin-labels>`;
      case "agents":
        return html`<parley-admin-agents .me=${me}></parley-admin-agents><parley-admin-agent-load></parley-admin-agent-load>`;
      case "teams":
        return html`<parley-admin-teams></parley-admin-teams>`;
      case "api-keys":
        return html`<parley-admin-api-keys></parley-admin-api-keys>`;
      case "outbox":
        return html`<parley-admin-outbox></parley-admin-outbox>`;
    }
  }

  override render() {
    if (!this.agent) return nothing;
    if (this.agent.role !== "admin") {
      return html`<div class="wrap"><h1>Administration</h1><p>Only admins can use Administration. Ask an admin of your workspace.</p></div>`;
    }
    return html`
      <div class="wrap">
        <h1 id="admin-title">Administration</h1>
        <div role="tablist" aria-labelledby="admin-title" @keydown=${this.onTabKey}>
          ${SECTIONS.map(
            (s) => html`
              <button
                role="tab"
                id=${`tab-${s.id}`}
                aria-selected=${s.id === this.section ? "true" : "false"}
                aria-controls="admin-section"
                tabindex=${s.id === this.section ? 0 : -1}
                @click=${() => this.select(s.id, false)}
              >${s.label}</button>
            `,
          )}
        </div>
        <section id="admin-section" role="tabpanel" aria-labelledby=${`tab-${this.section}`}>
          ${this.renderSection()}
        </section>
      </div>
    `;
  }
}

customElements.define("parley-admin", AdminPanel);
