import { css, html, LitElement, nothing } from "lit";
import type { AdminChannel } from "../../../protocol/admin";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./channel-editor";

/** A key suggested from the name, until the admin types one of their own. */
const slug = (name: string) =>
  name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);

/** The workspace's channels: pick one to edit it, or create another. */
export class ChannelsView extends LitElement {
  static override styles = [
    adminStyles,
    css`
      .layout { display: grid; grid-template-columns: 260px minmax(0, 1fr); gap: 22px; align-items: start; }
      nav ul { list-style: none; margin: 0 0 16px; padding: 0; display: grid; gap: 4px; }
      nav li button { width: 100%; text-align: left; border: 1px solid transparent; border-radius: 8px; background: none; padding: 8px 10px; cursor: pointer; display: grid; }
      nav li button[aria-current="true"] { background: #e7edff; border-color: #c9d5ff; }
      nav li button:hover { background: #eef1f8; }
      nav li code { color: #5b6272; font-size: 12px; }
      form { display: grid; gap: 10px; }
      @media (max-width: 800px) { .layout { grid-template-columns: 1fr; } }
    `,
  ];
  static override properties = {
    channels: { state: true },
    selectedId: { state: true },
    newName: { state: true },
    newKey: { state: true },
    keyEdited: { state: true },
    error: { state: true },
    createError: { state: true },
  };
  declare channels: AdminChannel[] | null;
  declare selectedId: string;
  declare newName: string;
  declare newKey: string;
  declare keyEdited: boolean;
  declare error: string;
  declare createError: string;

  constructor() {
    super();
    this.channels = null;
    this.selectedId = "";
    this.newName = "";
    this.newKey = "";
    this.keyEdited = false;
    this.error = "";
    this.createError = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const { channels } = await adminApi.channels();
      this.channels = channels;
      if (!channels.some((c) => c.id === this.selectedId)) this.selectedId = channels[0]?.id ?? "";
      this.error = "";
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private replaceChannel(channel: AdminChannel): void {
    this.channels = (this.channels ?? []).map((c) => (c.id === channel.id ? channel : c));
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.createError = "";
    try {
      const { channel } = await adminApi.createChannel({ key: this.newKey.trim(), name: this.newName });
      this.channels = [...(this.channels ?? []), channel].sort((a, b) => a.name.localeCompare(b.name));
      this.selectedId = channel.id;
      this.newName = "";
      this.newKey = "";
      this.keyEdited = false;
    } catch (err) {
      this.createError = describeError(err);
    }
  }

  override render() {
    if (this.error) return html`<p role="alert" class="error">${this.error}</p>`;
    if (!this.channels) return html`<p class="muted">Loading channels…</p>`;
    const selected = this.channels.find((c) => c.id === this.selectedId) ?? null;
    return html`
      <div class="layout">
        <nav aria-labelledby="channels-title">
          <h2 id="channels-title">Channels</h2>
          <ul>
            ${this.channels.map(
              (c) => html`<li>
                <button type="button" aria-current=${c.id === this.selectedId ? "true" : "false"} @click=${() => (this.selectedId = c.id)}>
                  <span>${c.name}</span><code>${c.key}</code>
                </button>
              </li>`,
            )}
          </ul>
          <form class="card" @submit=${this.create} aria-labelledby="new-channel-title">
            <h3 id="new-channel-title">New channel</h3>
            <label class="field">Channel name
              <input required maxlength="80" .value=${this.newName}
                @input=${(e: Event) => {
                  this.newName = (e.target as HTMLInputElement).value;
                  if (!this.keyEdited) this.newKey = slug(this.newName);
                }} />
            </label>
            <label class="field">Channel key
              <input required maxlength="64" .value=${this.newKey}
                @input=${(e: Event) => {
                  this.newKey = (e.target as HTMLInputElement).value;
                  this.keyEdited = true;
                }} />
            </label>
            ${this.createError ? html`<p role="alert" class="error">${this.createError}</p>` : nothing}
            <div><button class="primary" type="submit">Create channel</button></div>
          </form>
        </nav>
        ${selected
          ? html`<parley-admin-channel-editor .channel=${selected}
              @channel-saved=${(e: CustomEvent<AdminChannel>) => this.replaceChannel(e.detail)}
              @identity-secret-changed=${(e: CustomEvent<string | null>) => this.replaceChannel({ ...selected, identitySecret: e.detail })}></parley-admin-channel-editor>`
          : html`<p class="muted">No channels yet: create the first one.</p>`}
      </div>
    `;
  }
}

customElements.define("parley-admin-channels", ChannelsView);
