import { css, html, LitElement, nothing } from "lit";
import type { AgentRoutingStatus } from "../../../protocol/admin";
import { LIMITS } from "../../../protocol/limits";
import { requestJson } from "../../lib/api";
import { describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";

const BASE = "/api/console/admin/agents";
const REFRESH_MS = 10_000;

/**
 * Every agent's routing as an admin sees it: available, online or offline, live chats and offers
 * of their capacity; the admin sets the capacity and pauses an agent (offered nothing while paused).
 */
export class AgentLoad extends LitElement {
  static override styles = [
    adminStyles,
    css`
      table { border-collapse: collapse; width: 100%; max-width: 760px; }
      th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e6ee; }
      input[type="number"] { width: 5em; }
      .full { color: #8a1c14; font-weight: 600; }
    `,
  ];
  static override properties = { agents: { state: true }, error: { state: true } };
  declare agents: AgentRoutingStatus[] | null;
  declare error: string;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.agents = null;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    try {
      this.agents = (await requestJson<{ agents: AgentRoutingStatus[] }>(`${BASE}/routing`)).agents;
      this.error = "";
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private async save(agent: AgentRoutingStatus, change: Partial<Pick<AgentRoutingStatus, "capacity" | "paused">>): Promise<void> {
    const body = { capacity: change.capacity ?? agent.capacity, paused: change.paused ?? agent.paused };
    if (!Number.isInteger(body.capacity) || body.capacity < 1 || body.capacity > LIMITS.routing.maxCapacity) return;
    try {
      await requestJson(`${BASE}/${encodeURIComponent(agent.agentId)}/routing`, { method: "PUT", json: body });
      await this.load();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  override render() {
    return html`<section aria-labelledby="load-heading">
      <h3 id="load-heading">Routing and load</h3>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.agents === null
        ? html`<p class="muted">Loading…</p>`
        : html`<table>
            <thead><tr><th>Agent</th><th>Status</th><th>Load</th><th>Capacity</th><th>Paused</th></tr></thead>
            <tbody>
              ${this.agents.map(
                (a) => html`<tr>
                  <td>${a.name}</td>
                  <td>${a.available ? "Available" : a.online ? "Online, not available" : "Offline"}</td>
                  <td class=${a.live + a.offered >= a.capacity ? "full" : ""}>${a.live} of ${a.capacity}${a.offered > 0 ? ` (+${a.offered} offered)` : ""}</td>
                  <td>
                    <input
                      type="number"
                      min="1"
                      max=${LIMITS.routing.maxCapacity}
                      aria-label=${`Capacity of ${a.name}`}
                      .value=${String(a.capacity)}
                      @change=${(e: Event) => void this.save(a, { capacity: (e.target as HTMLInputElement).valueAsNumber })}
                    />
                  </td>
                  <td>
                    <input type="checkbox" aria-label=${`Pause ${a.name}`} .checked=${a.paused} @change=${(e: Event) => void this.save(a, { paused: (e.target as HTMLInputElement).checked })} />
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`;
  }
}

if (!customElements.get("parley-admin-agent-load")) customElements.define("parley-admin-agent-load", AgentLoad);
