import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { Agent } from "../../protocol/api";
import type { AccountDetail, AccountSummary, InboxFilter, WorkspaceAgent } from "../../protocol/console";
import { RequestError } from "../lib/api";
import { consoleApi } from "./console-api";
import "./inbox-list";
import type { InboxList } from "./inbox-list";
import { consoleStyles } from "./styles";
import "./thread-view";

const SEARCH_DELAY_MS = 300;

const FILTERS: { id: InboxFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "active", label: "Active" },
  { id: "unread", label: "Unread" },
  { id: "archived", label: "Archived" },
];

/**
 * Customer accounts: find or create one, manage its contacts, and its Communication view, where
 * every thread of every contact of the account is listed and opened.
 */
export class AccountsView extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: grid; grid-template-columns: 280px 1fr; min-height: 0; height: 100%; }
      aside { border-right: 1px solid #e3e6ee; display: flex; flex-direction: column; min-height: 0; background: #fafbfd; }
      aside form, .search { display: flex; gap: 6px; padding: 10px 12px; }
      aside form { border-top: 1px solid #e3e6ee; }
      aside input { flex: 1; min-width: 0; }
      aside ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
      aside li { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; padding: 0 14px 0 0; border-bottom: 1px solid #eceef3; }
      aside li:has(button.pick[aria-current="true"]) { background: #e7edff; }
      aside li button.pick { all: unset; box-sizing: border-box; flex: 1 1 150px; min-width: 0; display: flex; gap: 8px; align-items: center; padding: 9px 0 9px 14px; cursor: pointer; }
      aside li button:focus-visible { outline: 3px solid #8aa4f5; outline-offset: -3px; }
      .tags { display: inline-flex; gap: 4px; }
      .tag { border: 0; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; background: #dff3e6; color: #13622f; cursor: pointer; }
      .tag.unread { background: #13622f; color: #fff; }
      .tag:hover { text-decoration: underline; }
      .filters { display: inline-flex; margin: 0 12px 8px; border: 1px solid #c5cad6; border-radius: 8px; overflow: hidden; align-self: start; }
      .filters button { border: 0; background: #fff; padding: 4px 10px; cursor: pointer; border-right: 1px solid #e3e6ee; font-size: 13px; }
      .filters button:last-child { border-right: 0; }
      .filters button[aria-pressed="true"] { background: #2f5bea; color: #fff; font-weight: 600; }
      .none { padding: 10px 14px; margin: 0; }
      aside .name { flex: 1; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      section.account { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
      .head { display: flex; gap: 12px; align-items: center; padding: 12px 18px; border-bottom: 1px solid #e3e6ee; flex-wrap: wrap; }
      .head h1 { font-size: 18px; margin: 0; }
      .rename { display: flex; gap: 6px; }
      [role="tablist"] { display: flex; gap: 4px; margin-left: auto; }
      [role="tab"] { border: 0; border-bottom: 3px solid transparent; background: none; padding: 6px 10px; cursor: pointer; font-weight: 600; color: #5b6272; }
      [role="tab"][aria-selected="true"] { color: #1d2330; border-bottom-color: #2f5bea; }
      .communication { flex: 1; display: grid; grid-template-columns: minmax(380px, 1fr) 1.2fr; min-height: 0; }
      .communication parley-inbox { border-right: 1px solid #e3e6ee; }
      .contacts { padding: 16px 18px; overflow-y: auto; display: grid; gap: 14px; align-content: start; }
      table { border-collapse: collapse; width: 100%; max-width: 720px; }
      th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #eceef3; }
      th { font-size: 12px; text-transform: uppercase; color: #5b6272; }
      .add { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; }
      .empty { padding: 24px; color: #5b6272; }
      [role="alert"] { margin: 0 14px 8px; }
      .back { display: none; }
      /* A small laptop: the account's threads above its open thread, not side by side. */
      @media (max-width: 1100px) {
        .communication { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr) auto; overflow-y: auto; }
        .communication parley-inbox { border-right: 0; border-bottom: 1px solid #e3e6ee; min-height: 320px; }
        .communication.open parley-inbox { display: none; }
        .communication.open .back { display: block; justify-self: start; margin: 8px 12px 0; }
        .communication:not(.open) parley-thread { display: none; }
        .communication.open { grid-template-rows: auto minmax(0, 1fr); }
      }
      /* A phone: the list of accounts, or one account with a way back. */
      @media (max-width: 900px) {
        :host { grid-template-columns: minmax(0, 1fr); }
        :host(.open) aside, :host(:not(.open)) .empty { display: none; }
        .head { padding: 10px 12px; }
        .head .back { display: block; }
        [role="tablist"] { margin-left: 0; }
      }
    `,
  ];
  static override properties = {
    me: { attribute: false },
    agents: { attribute: false },
    canAccept: { type: Boolean },
    accounts: { state: true },
    filter: { state: true },
    threadFilter: { state: true },
    query: { state: true },
    selected: { state: true },
    account: { state: true },
    tab: { state: true },
    conversation: { state: true },
    renaming: { state: true },
    error: { state: true },
  };
  declare me: Agent | null;
  declare agents: WorkspaceAgent[];
  declare canAccept: boolean;
  declare accounts: AccountSummary[];
  /** Which accounts the list shows, by their threads. */
  declare filter: InboxFilter;
  /** Which of the account's threads its Communication view shows: an "unread" tag opens Unread. */
  declare threadFilter: InboxFilter;
  declare query: string;
  declare selected: string;
  declare account: AccountDetail | null;
  declare tab: "communication" | "contacts";
  declare conversation: string;
  declare renaming: boolean;
  declare error: string;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.me = null;
    this.agents = [];
    this.canAccept = false;
    this.accounts = [];
    this.filter = "all";
    this.threadFilter = "active";
    this.query = "";
    this.selected = "";
    this.account = null;
    this.tab = "communication";
    this.conversation = "";
    this.renaming = false;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadAccounts();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("selected")) {
      this.classList.toggle("open", Boolean(this.selected));
      this.account = null;
      this.renaming = false;
      this.conversation = "";
      if (this.selected) void this.loadAccount();
    }
  }

  private async attempt(work: () => Promise<void>): Promise<void> {
    this.error = "";
    try {
      await work();
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not reach the server. Try again.";
    }
  }

  private loadAccounts(): Promise<void> {
    return this.attempt(async () => {
      this.accounts = (await consoleApi.accounts(this.query, this.filter)).accounts;
    });
  }

  private loadAccount(): Promise<void> {
    const id = this.selected;
    return this.attempt(async () => {
      const { account } = await consoleApi.account(id);
      if (id === this.selected) this.account = account;
    });
  }

  private setFilter(filter: InboxFilter): void {
    this.filter = filter;
    void this.loadAccounts();
  }

  /** An account's Communication view, showing the threads its tag counted. */
  private open(accountId: string, threads: InboxFilter): void {
    this.selected = accountId;
    this.tab = "communication";
    this.threadFilter = threads;
  }

  private noAccountsText(): string {
    if (this.query) return "No account or contact matches your search.";
    if (this.filter === "all") return "No accounts yet. Create one below, then add its contacts.";
    return `No account has ${this.filter === "active" ? "an active" : this.filter === "unread" ? "an unread" : "an archived"} thread. Choose All to see every account.`;
  }

  private onSearch(e: InputEvent): void {
    this.query = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadAccounts(), SEARCH_DELAY_MS);
  }

  private create(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = String(new FormData(form).get("name") ?? "");
    void this.attempt(async () => {
      const { account } = await consoleApi.createAccount(name);
      form.reset();
      await this.loadAccounts();
      this.selected = account.id;
      this.tab = "contacts";
    });
  }

  private rename(e: SubmitEvent): void {
    e.preventDefault();
    const name = String(new FormData(e.target as HTMLFormElement).get("name") ?? "");
    const id = this.selected;
    void this.attempt(async () => {
      this.account = (await consoleApi.renameAccount(id, name)).account;
      this.renaming = false;
      await this.loadAccounts();
    });
  }

  private addContact(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const id = this.selected;
    void this.attempt(async () => {
      await consoleApi.addContact(id, { name: String(data.get("name") ?? ""), email: String(data.get("email") ?? "") });
      form.reset();
      await Promise.all([this.loadAccount(), this.loadAccounts()]);
    });
  }

  private removeContact(contactId: string): void {
    const id = this.selected;
    void this.attempt(async () => {
      await consoleApi.removeContact(id, contactId);
      await Promise.all([this.loadAccount(), this.loadAccounts()]);
    });
  }

  private renderAccount(a: AccountDetail) {
    return html`<section class="account" aria-label=${a.name}>
      <div class="head">
        <button class="secondary back" type="button" @click=${() => (this.selected = "")}>← Accounts</button>
        ${this.renaming
          ? html`<form class="rename" @submit=${this.rename}>
              <input name="name" aria-label="Account name" required maxlength="120" .value=${a.name} />
              <button class="primary" type="submit">Save name</button>
              <button class="secondary" type="button" @click=${() => (this.renaming = false)}>Cancel</button>
            </form>`
          : html`<h1 id="account-name">${a.name}</h1>
              <button class="link" type="button" @click=${() => (this.renaming = true)}>Rename</button>`}
        <div role="tablist" aria-label="Account">
          ${(["communication", "contacts"] as const).map(
            (t) => html`<button role="tab" type="button" aria-selected=${this.tab === t ? "true" : "false"} @click=${() => (this.tab = t)}>
              ${t === "communication" ? "Communication" : `Contacts (${a.contacts.length})`}
            </button>`,
          )}
        </div>
      </div>
      ${this.tab === "communication"
        ? html`<div class="communication ${this.conversation ? "open" : ""}" role="tabpanel" aria-label="Communication">
            <parley-inbox
              .accountId=${a.id}
              .filter=${this.threadFilter}
              .selected=${this.conversation}
              @select-conversation=${(e: CustomEvent<string>) => (this.conversation = e.detail)}
            ></parley-inbox>
            <button class="secondary back" type="button" @click=${() => (this.conversation = "")}>← ${a.name}</button>
            <parley-thread
              .conversationId=${this.conversation}
              .me=${this.me}
              .agents=${this.agents}
              ?canAccept=${this.canAccept}
              @conversation-deleted=${() => (this.conversation = "")}
              @conversation-changed=${() => this.renderRoot.querySelector<InboxList>("parley-inbox")?.refresh()}
            ></parley-thread>
          </div>`
        : html`<div class="contacts" role="tabpanel" aria-label="Contacts">
            ${a.contacts.length === 0
              ? html`<p class="muted">No contacts yet. Threads of the contacts you add here appear under Communication.</p>`
              : html`<table>
                  <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    ${a.contacts.map(
                      (c) => html`<tr>
                        <td>${c.name}</td>
                        <td>${c.email}</td>
                        <td><button class="link" type="button" aria-label="Remove ${c.name}" @click=${() => this.removeContact(c.id)}>Remove</button></td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`}
            <form class="add" @submit=${this.addContact}>
              <label class="field">Contact name <input name="name" required maxlength="120" /></label>
              <label class="field">Contact email <input name="email" type="email" required maxlength="254" /></label>
              <button class="primary" type="submit">Add contact</button>
            </form>
          </div>`}
    </section>`;
  }

  override render() {
    return html`
      <aside aria-label="Accounts">
        <div class="search"><input type="search" aria-label="Search accounts" placeholder="Search accounts or contacts" .value=${this.query} @input=${this.onSearch} /></div>
        <div class="filters" role="group" aria-label="Filter accounts by their threads">
          ${FILTERS.map(
            (f) => html`<button type="button" aria-pressed=${this.filter === f.id ? "true" : "false"} @click=${() => this.setFilter(f.id)}>${f.label}</button>`,
          )}
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <ul>
          ${this.accounts.map(
            (a) => html`<li>
              <button class="pick" type="button" aria-current=${a.id === this.selected ? "true" : "false"} @click=${() => this.open(a.id, "active")}>
                <span class="name">${a.name}</span>
                <span class="muted">${a.contactCount} ${a.contactCount === 1 ? "contact" : "contacts"}</span>
              </button>
              ${a.activeThreads > 0 || a.unreadThreads > 0
                ? html`<span class="tags">
                    ${a.activeThreads > 0
                      ? html`<button class="tag" type="button" @click=${() => this.open(a.id, "active")}>${a.activeThreads} active</button>`
                      : nothing}
                    ${a.unreadThreads > 0
                      ? html`<button class="tag unread" type="button" @click=${() => this.open(a.id, "unread")}>${a.unreadThreads} unread</button>`
                      : nothing}
                  </span>`
                : nothing}
            </li>`,
          )}
        </ul>
        ${this.accounts.length === 0 && !this.error ? html`<p class="muted none">${this.noAccountsText()}</p>` : nothing}
        <form @submit=${this.create}>
          <input name="name" aria-label="New account name" placeholder="New account name" required maxlength="120" />
          <button class="secondary" type="submit">Create account</button>
        </form>
      </aside>
      ${this.account ? this.renderAccount(this.account) : html`<p class="empty">Choose an account on the left to see its conversations and contacts, or create one at the bottom of the list.</p>`}
    `;
  }
}

customElements.define("parley-accounts", AccountsView);
