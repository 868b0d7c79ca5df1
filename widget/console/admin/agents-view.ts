import { css, html, LitElement, nothing } from "lit";
import type { AdminAgent, AgentRole } from "../../../protocol/admin";
import type { Agent } from "../../../protocol/api";
import { MIN_PASSWORD_LENGTH } from "../../../protocol/limits";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";

type Editing = { id: string; mode: "details"; name: string; role: AgentRole } | { id: string; mode: "password"; password: string };

const ROLES: [AgentRole, string][] = [
  ["agent", "Agent"],
  ["admin", "Admin"],
];

/** The workspace's agents: add one with an initial password, rename, change role or password, delete. */
export class AgentsView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      form.card { display: grid; gap: 10px; max-width: 760px; margin-bottom: 22px; }
      .two { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px; }
      form.inline { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; }
    `,
  ];
  static override properties = {
    me: { attribute: false },
    agents: { state: true },
    editing: { state: true },
    error: { state: true },
    formError: { state: true },
    rowError: { state: true },
    status: { state: true },
  };
  declare me: Agent;
  declare agents: AdminAgent[] | null;
  declare editing: Editing | null;
  declare error: string;
  declare formError: string;
  declare rowError: string;
  declare status: string;

  constructor() {
    super();
    this.agents = null;
    this.editing = null;
    this.error = "";
    this.formError = "";
    this.rowError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    adminApi
      .agents()
      .then(({ agents }) => (this.agents = agents))
      .catch((err) => (this.error = describeError(err)));
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.formError = "";
    try {
      const { agent } = await adminApi.createAgent({
        name: String(data.get("name")),
        email: String(data.get("email")),
        role: data.get("role") === "admin" ? "admin" : "agent",
        password: String(data.get("password")),
      });
      this.agents = [...(this.agents ?? []), agent].sort((a, b) => a.name.localeCompare(b.name));
      this.status = `${agent.name} can now sign in as ${agent.email}.`;
      form.reset();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private startEditing(editing: Editing): void {
    this.editing = editing;
    this.rowError = "";
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("form.inline input")?.focus());
  }

  private async saveRow(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const editing = this.editing;
    if (!editing) return;
    this.rowError = "";
    try {
      if (editing.mode === "details") {
        const { agent } = await adminApi.updateAgent(editing.id, { name: editing.name, role: editing.role });
        this.agents = (this.agents ?? []).map((a) => (a.id === agent.id ? agent : a));
        this.status = `${agent.name} saved.`;
      } else {
        await adminApi.setPassword(editing.id, editing.password);
        this.status = "Password set. The agent was signed out everywhere.";
      }
      this.editing = null;
    } catch (err) {
      this.rowError = describeError(err);
    }
  }

  private async deleteAgent(agent: AdminAgent): Promise<void> {
    try {
      await adminApi.deleteAgent(agent.id);
      this.agents = (this.agents ?? []).filter((a) => a.id !== agent.id);
      this.status = `${agent.name} deleted.`;
    } catch (err) {
      this.status = describeError(err);
    }
  }

  private renderEditor(agent: AdminAgent, editing: Editing) {
    const text = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <tr>
        <td colspan="4">
          <form class="inline" @submit=${this.saveRow} aria-label=${`Edit ${agent.name}`}>
            ${editing.mode === "details"
              ? html`
                  <label class="field">Name <input required maxlength="120" .value=${editing.name} @input=${(e: Event) => (this.editing = { ...editing, name: text(e) })} /></label>
                  <label class="field">Role
                    <select @change=${(e: Event) => (this.editing = { ...editing, role: text(e) as AgentRole })}>
                      ${ROLES.map(([role, label]) => html`<option value=${role} ?selected=${editing.role === role}>${label}</option>`)}
                    </select>
                  </label>
                `
              : html`<label class="field">New password for ${agent.name}
                  <input type="password" required minlength=${MIN_PASSWORD_LENGTH} autocomplete="new-password" .value=${editing.password}
                    @input=${(e: Event) => (this.editing = { ...editing, password: text(e) })} />
                </label>`}
            <button class="primary" type="submit">${editing.mode === "details" ? "Save" : "Set password"}</button>
            <button class="secondary" type="button" @click=${() => (this.editing = null)}>Cancel</button>
            ${this.rowError ? html`<p role="alert" class="error">${this.rowError}</p>` : nothing}
          </form>
        </td>
      </tr>
    `;
  }

  private renderRow(agent: AdminAgent) {
    if (this.editing?.id === agent.id) return this.renderEditor(agent, this.editing);
    const self = agent.id === this.me.id;
    return html`
      <tr>
        <td>${agent.name}${self ? html` <span class="badge">you</span>` : nothing}</td>
        <td>${agent.email}</td>
        <td><span class="badge ${agent.role === "admin" ? "good" : ""}">${agent.role === "admin" ? "Admin" : "Agent"}</span></td>
        <td class="actions-cell"><div class="actions">
          <button class="secondary" type="button" aria-label=${`Edit ${agent.name}`}
            @click=${() => this.startEditing({ id: agent.id, mode: "details", name: agent.name, role: agent.role })}>Edit</button>
          <button class="secondary" type="button" aria-label=${`Set password of ${agent.name}`}
            @click=${() => this.startEditing({ id: agent.id, mode: "password", password: "" })}>Set password</button>
          ${self
            ? nothing
            : html`<parley-admin-confirm-button label="Delete" accessible-name=${`Delete ${agent.name}`} confirm-label=${`Delete ${agent.name}`}
                question="Their conversations keep no responsible agent." @confirmed=${() => this.deleteAgent(agent)}></parley-admin-confirm-button>`}
        </div></td>
      </tr>
    `;
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.agents) return html`<p class="muted">Loading agents…</p>`;
    return html`
      <h2>Agents</h2>
      <form class="card" @submit=${this.create} aria-labelledby="new-agent-title">
        <h3 id="new-agent-title">Add an agent</h3>
        <div class="two">
          <label class="field">Name <input name="name" required maxlength="120" autocomplete="off" /></label>
          <label class="field">Email <input name="email" type="email" required maxlength="254" autocomplete="off" /></label>
          <label class="field">Role
            <select name="role">${ROLES.map(([role, label]) => html`<option value=${role}>${label}</option>`)}</select>
          </label>
          <label class="field">Initial password <input name="password" type="password" required minlength=${MIN_PASSWORD_LENGTH} autocomplete="new-password" /></label>
        </div>
        <p class="hint">Give the agent their password in person or by phone; admins can use Administration.</p>
        ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
        <div><button class="primary" type="submit">Add agent</button></div>
      </form>
      <p role="status" class="ok">${this.status}</p>
      <table>
        <caption class="sr-only">Agents</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${this.agents.map((a) => this.renderRow(a))}</tbody>
      </table>
    `;
  }
}

customElements.define("parley-admin-agents", AgentsView);
