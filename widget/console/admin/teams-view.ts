import { css, html, LitElement, nothing } from "lit";
import type { AdminAgent, Team } from "../../../protocol/admin";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./confirm-button";

type Draft = { name: string; memberIds: string[] };
const EMPTY: Draft = { name: "", memberIds: [] };

/** Teams of agents: a request's chat can go to any member of its team when the channel allows it. */
export class TeamsView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      form.card { display: grid; gap: 10px; max-width: 760px; margin-bottom: 22px; }
      .members { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; }
    `,
  ];
  static override properties = {
    teams: { state: true },
    agents: { state: true },
    draft: { state: true },
    editingId: { state: true },
    error: { state: true },
    formError: { state: true },
    status: { state: true },
  };
  declare teams: Team[] | null;
  declare agents: AdminAgent[];
  declare draft: Draft;
  declare editingId: string;
  declare error: string;
  declare formError: string;
  declare status: string;

  constructor() {
    super();
    this.teams = null;
    this.agents = [];
    this.draft = EMPTY;
    this.editingId = "";
    this.error = "";
    this.formError = "";
    this.status = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    Promise.all([adminApi.teams(), adminApi.agents()])
      .then(([{ teams }, { agents }]) => {
        this.teams = teams;
        this.agents = agents;
      })
      .catch((err) => (this.error = describeError(err)));
  }

  private toggleMember(id: string, on: boolean): void {
    const others = this.draft.memberIds.filter((m) => m !== id);
    this.draft = { ...this.draft, memberIds: on ? [...others, id] : others };
  }

  private edit(team: Team): void {
    this.editingId = team.id;
    this.draft = { name: team.name, memberIds: [...team.memberIds] };
    this.formError = "";
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("#team-name")?.focus());
  }

  private reset(): void {
    this.editingId = "";
    this.draft = EMPTY;
    this.formError = "";
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.formError = "";
    try {
      if (this.editingId) {
        const { team } = await adminApi.updateTeam(this.editingId, this.draft);
        this.teams = (this.teams ?? []).map((t) => (t.id === team.id ? team : t));
        this.status = `${team.name} saved.`;
      } else {
        const { team } = await adminApi.createTeam(this.draft);
        this.teams = [...(this.teams ?? []), team].sort((a, b) => a.name.localeCompare(b.name));
        this.status = `${team.name} created.`;
      }
      this.reset();
    } catch (err) {
      this.formError = describeError(err);
    }
  }

  private async deleteTeam(team: Team): Promise<void> {
    try {
      await adminApi.deleteTeam(team.id);
      this.teams = (this.teams ?? []).filter((t) => t.id !== team.id);
      if (this.editingId === team.id) this.reset();
      this.status = `${team.name} deleted.`;
    } catch (err) {
      this.status = describeError(err);
    }
  }

  private memberNames(team: Team): string {
    const names = team.memberIds.map((id) => this.agents.find((a) => a.id === id)?.name ?? id).sort();
    return names.length ? names.join(", ") : "No members";
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.teams) return html`<p class="muted">Loading teams…</p>`;
    const d = this.draft;
    return html`
      <h2>Teams</h2>
      <form class="card" @submit=${this.submit} aria-labelledby="team-form-title">
        <h3 id="team-form-title">${this.editingId ? "Edit team" : "New team"}</h3>
        <label class="field">Team name
          <input id="team-name" required maxlength="80" .value=${d.name} @input=${(e: Event) => (this.draft = { ...d, name: (e.target as HTMLInputElement).value })} />
        </label>
        <fieldset>
          <legend>Members</legend>
          <div class="members">
            ${this.agents.map(
              (a) => html`<label class="check">
                <input type="checkbox" .checked=${d.memberIds.includes(a.id)} @change=${(e: Event) => this.toggleMember(a.id, (e.target as HTMLInputElement).checked)} />
                ${a.name}
              </label>`,
            )}
          </div>
        </fieldset>
        ${this.formError ? html`<p role="alert" class="error">${this.formError}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${this.editingId ? "Save team" : "Create team"}</button>
          ${this.editingId ? html`<button class="secondary" type="button" @click=${this.reset}>Cancel</button>` : nothing}
        </div>
      </form>
      <p role="status" class="ok">${this.status}</p>
      ${this.teams.length
        ? html`<table>
            <caption class="sr-only">Teams</caption>
            <thead><tr><th scope="col">Team</th><th scope="col">Members</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.teams.map(
                (t) => html`<tr>
                  <td><strong>${t.name}</strong></td>
                  <td>${this.memberNames(t)}</td>
                  <td class="actions-cell"><div class="actions">
                    <button class="secondary" type="button" aria-label=${`Edit team ${t.name}`} @click=${() => this.edit(t)}>Edit</button>
                    <parley-admin-confirm-button label="Delete" accessible-name=${`Delete team ${t.name}`} confirm-label=${`Delete ${t.name}`}
                      question="Delete this team?" @confirmed=${() => this.deleteTeam(t)}></parley-admin-confirm-button>
                  </div></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No teams yet.</p>`}
    `;
  }
}

customElements.define("parley-admin-teams", TeamsView);
