import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { Attention, InboxConversation, InboxFilter, WorkspaceAgent } from "../../protocol/console";
import { PAGE_SIZES } from "../../protocol/console-limits";
import type { Label } from "../../protocol/labels";
import { RequestError } from "../lib/api";
import { formatDateTime, formatRelative } from "../lib/format";
import "./bulk-bar";
import { consoleApi } from "./console-api";
import { labelChip, labelChips, labelChipStyles } from "./label-chips";
import { consoleStyles } from "./styles";
import { ATTENTION_LABEL } from "./words";

/** Cheap enough to poll: one indexed query a page. New threads and replies show up within this. */
const REFRESH_MS = 4000;
const SEARCH_DELAY_MS = 300;

const FILTERS: { id: InboxFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "active", label: "Active" },
  { id: "unread", label: "Unread" },
  { id: "archived", label: "Archived" },
];

const STATUS_LABEL = { queued: "Waiting", active: "Live", ended: "Ended" } as const;

/** "3 min", with the full date and time in a tooltip. */
const when = (ms: number) => html`<time datetime=${new Date(ms).toISOString()} title=${formatDateTime(ms)}>${formatRelative(ms)}</time>`;

/**
 * Threads by latest activity: filters, Needs reply/Replied, labels, search, and pages of 25–250 rows
 * fetched by cursor; ticked rows (shift-click ticks a range) get the bulk actions. With `accountId`
 * it is an account's Communication view.
 */
export class InboxList extends LitElement {
  static override styles = [
    consoleStyles,
    labelChipStyles,
    css`
      :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: #fafbfd; container: inbox / inline-size; }
      .controls { display: grid; gap: 8px; padding: 10px 12px; border-bottom: 1px solid #e3e6ee; }
      .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
      [role="group"] { display: inline-flex; border: 1px solid #c5cad6; border-radius: 8px; overflow: hidden; }
      [role="group"] button { border: 0; background: #fff; padding: 5px 11px; cursor: pointer; border-right: 1px solid #e3e6ee; }
      [role="group"] button:last-child { border-right: 0; }
      [role="group"] button[aria-pressed="true"] { background: #2f5bea; color: #fff; font-weight: 600; }
      input[type="search"] { flex: 1; min-width: 140px; }
      .status { display: flex; align-items: center; gap: 6px; font-size: 13px; }
      .new { margin-left: auto; }
      .list { flex: 1; overflow-y: auto; min-height: 0; }
      table { width: 100%; border-collapse: collapse; table-layout: fixed; }
      th { position: sticky; top: 0; background: #f1f3f8; text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #5b6272; padding: 6px 10px; font-weight: 600; }
      th.subject { width: 52%; }
      th.pick, td.pick { width: 34px; padding-right: 0; }
      td.pick input, th.pick input { width: 16px; height: 16px; margin: 2px 0 0; accent-color: #2f5bea; cursor: pointer; }
      tr.cursor td { box-shadow: inset 0 1px 0 #8aa4f5, inset 0 -1px 0 #8aa4f5; }
      tr.cursor td:first-child { box-shadow: inset 3px 0 0 #2f5bea, inset 0 1px 0 #8aa4f5, inset 0 -1px 0 #8aa4f5; }
      details.label-filter { position: relative; font-size: 13px; }
      details.label-filter summary { cursor: pointer; list-style: none; border: 1px solid #c5cad6; border-radius: 7px; padding: 5px 10px; background: #fff; }
      details.label-filter summary::-webkit-details-marker { display: none; }
      details.label-filter summary::after { content: " ▾"; }
      details.label-filter .menu { position: absolute; z-index: 20; top: calc(100% + 4px); left: 0; min-width: 200px; max-height: 280px; overflow: auto; display: grid; gap: 2px; padding: 8px; background: #fff; border: 1px solid #d9dde7; border-radius: 10px; box-shadow: 0 8px 28px rgb(0 0 0 / 0.18); }
      details.label-filter label { display: flex; gap: 8px; align-items: center; padding: 4px 6px; border-radius: 6px; cursor: pointer; }
      details.label-filter label:hover { background: #f1f3f8; }
      .active-labels { display: inline-flex; gap: 4px; flex-wrap: wrap; align-items: center; }
      .active-labels button { all: unset; cursor: pointer; border-radius: 10px; }
      .active-labels button:focus-visible { outline: 3px solid #8aa4f5; }
      td { border-bottom: 1px solid #eceef3; padding: 8px 10px; vertical-align: top; font-size: 13px; color: #3d4455; }
      tr { cursor: pointer; }
      tr:hover td { background: #f4f6fb; }
      tr[aria-current="true"] td { background: #e7edff; }
      td.subject button { all: unset; display: grid; gap: 2px; width: 100%; cursor: pointer; }
      td.subject button:focus-visible { outline: 3px solid #8aa4f5; outline-offset: 2px; border-radius: 4px; }
      .who { display: flex; align-items: center; gap: 6px; font-weight: 600; color: #1d2330; font-size: 14px; }
      .who .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .who .ago { margin-left: auto; flex: none; font-weight: 400; font-size: 12px; color: #5b6272; }
      /* A narrow list: the row says when; the Created and Last reply columns would squeeze the subject. */
      @container inbox (max-width: 520px) {
        th.when, td.when { display: none; }
        th.subject { width: auto; }
      }
      .subj { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: #1d2330; }
      .unread .subj { font-weight: 600; }
      .chips { display: flex; gap: 4px; flex-wrap: wrap; }
      .pager { display: flex; gap: 8px; align-items: center; padding: 8px 12px; border-top: 1px solid #e3e6ee; font-size: 13px; flex-wrap: wrap; }
      .pager .spacer { flex: 1; }
      .empty { padding: 18px 14px; color: #5b6272; }
    `,
  ];
  static override properties = {
    selected: { type: String },
    accountId: { type: String },
    allowNew: { type: Boolean },
    agents: { attribute: false },
    filter: { attribute: false },
    labelFilter: { state: true },
    allLabels: { state: true },
    picked: { state: true },
    cursor: { state: true },
    attention: { state: true },
    query: { state: true },
    limit: { state: true },
    cursors: { state: true },
    conversations: { state: true },
    nextCursor: { state: true },
    loaded: { state: true },
    error: { state: true },
  };
  declare selected: string;
  declare accountId: string;
  declare allowNew: boolean;
  /** Who bulk "Assign to…" offers. */
  declare agents: WorkspaceAgent[];
  /** All / Active / Unread / Archived; the host may set it (an account's "3 unread" opens Unread). */
  declare filter: InboxFilter;
  /** Label ids: only threads carrying every one of them. */
  declare labelFilter: string[];
  declare allLabels: Label[];
  /** Ticked rows, for the bulk actions. */
  declare picked: Set<string>;
  /** The row j and k move to (an index on this page), opened by Enter. */
  declare cursor: number;
  declare attention: Attention | "";
  declare query: string;
  declare limit: number;
  /** The cursor each page was fetched with; the last one is the page on screen. */
  declare cursors: (string | null)[];
  declare conversations: InboxConversation[];
  declare nextCursor: string | null;
  declare loaded: boolean;
  declare error: string;
  private timer: ReturnType<typeof setInterval> | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** Where the last tick was: a shift-click ticks everything from there. */
  private anchor = -1;

  constructor() {
    super();
    this.selected = "";
    this.accountId = "";
    this.allowNew = false;
    this.agents = [];
    this.filter = "active";
    this.labelFilter = [];
    this.allLabels = [];
    this.picked = new Set();
    this.cursor = -1;
    this.attention = "";
    this.query = "";
    this.limit = PAGE_SIZES[0];
    this.cursors = [null];
    this.conversations = [];
    this.nextCursor = null;
    this.loaded = false;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    document.addEventListener("pointerdown", this.closeLabelFilter);
    void consoleApi
      .labels()
      .then(({ labels }) => (this.allLabels = labels))
      .catch(() => {});
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    clearTimeout(this.searchTimer);
    document.removeEventListener("pointerdown", this.closeLabelFilter);
  }

  /** The label list stays open while labels are ticked, and closes on a click anywhere else. */
  private readonly closeLabelFilter = (e: Event) => {
    const menu = this.renderRoot.querySelector<HTMLDetailsElement>("details.label-filter");
    if (menu?.open && !e.composedPath().includes(menu)) menu.open = false;
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("accountId") || changed.has("filter")) this.firstPage();
  }

  /** Fetches the page on screen again: polling, and after the agent changed something. */
  async refresh(): Promise<void> {
    const generation = this.generation;
    try {
      const page = await consoleApi.inbox({
        filter: this.filter,
        attention: this.attention,
        q: this.query,
        limit: this.limit,
        cursor: this.cursors.at(-1) ?? null,
        accountId: this.accountId || undefined,
        labels: this.labelFilter,
      });
      // A filter changed while this was on its way: its answer is for a list no longer shown.
      if (generation !== this.generation) return;
      this.conversations = page.conversations;
      const shown = new Set(page.conversations.map((c) => c.id));
      if ([...this.picked].some((id) => !shown.has(id))) this.picked = new Set([...this.picked].filter((id) => shown.has(id)));
      this.cursor = Math.min(this.cursor, page.conversations.length - 1);
      this.nextCursor = page.nextCursor;
      this.loaded = true;
      this.error = "";
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) {
        this.dispatchEvent(new CustomEvent("signed-out", { bubbles: true, composed: true }));
        return;
      }
      this.error = err instanceof RequestError ? err.message : "Offline: retrying…";
    }
  }

  private firstPage(): void {
    this.generation++;
    this.cursors = [null];
    this.loaded = false;
    this.picked = new Set();
    this.cursor = -1;
    void this.refresh();
  }

  private setFilter(filter: InboxFilter): void {
    this.filter = filter;
  }

  private toggleLabelFilter(id: string, on: boolean): void {
    this.labelFilter = on ? [...this.labelFilter, id] : this.labelFilter.filter((l) => l !== id);
    this.firstPage();
  }

  /** j and k: the next or previous row becomes the cursor, focused and in view. */
  moveCursor(delta: 1 | -1): void {
    const count = this.conversations.length;
    if (count === 0) return;
    const from = this.cursor >= 0 ? this.cursor : this.conversations.findIndex((c) => c.id === this.selected);
    this.cursor = from < 0 ? (delta === 1 ? 0 : count - 1) : Math.max(0, Math.min(count - 1, from + delta));
    void this.updateComplete.then(() => {
      const button = this.renderRoot.querySelectorAll<HTMLButtonElement>("td.subject button")[this.cursor];
      button?.focus();
      button?.scrollIntoView({ block: "nearest" });
    });
  }

  /** Enter: opens the cursor's row. */
  openCursor(): void {
    const row = this.conversations[this.cursor];
    if (row) this.select(row.id);
  }

  focusSearch(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  private pick(e: MouseEvent, index: number): void {
    e.stopPropagation();
    const on = (e.target as HTMLInputElement).checked;
    const [from, to] = e.shiftKey && this.anchor >= 0 ? [Math.min(this.anchor, index), Math.max(this.anchor, index)] : [index, index];
    const next = new Set(this.picked);
    for (const c of this.conversations.slice(from, to + 1)) on ? next.add(c.id) : next.delete(c.id);
    this.picked = next;
    this.anchor = index;
  }

  private pickAll(on: boolean): void {
    this.picked = new Set(on ? this.conversations.map((c) => c.id) : []);
    this.anchor = -1;
  }

  private onSearch(e: InputEvent): void {
    this.query = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.firstPage(), SEARCH_DELAY_MS);
  }

  private page(direction: 1 | -1): void {
    this.generation++;
    this.cursors = direction === 1 ? [...this.cursors, this.nextCursor] : this.cursors.slice(0, -1);
    void this.refresh();
  }

  private select(id: string): void {
    this.dispatchEvent(new CustomEvent<string>("select-conversation", { detail: id, bubbles: true, composed: true }));
  }

  private renderRow(c: InboxConversation, index: number) {
    const last = c.lastMessageAt
      ? html`${when(c.lastMessageAt)}<br /><span class="muted">${c.lastAuthorName ?? ""}</span>`
      : html`<span class="muted">No reply yet</span>`;
    const rowClass = `${c.unread > 0 ? "unread" : ""} ${index === this.cursor ? "cursor" : ""}`;
    return html`<tr aria-current=${c.id === this.selected ? "true" : "false"} class=${rowClass} @click=${() => this.select(c.id)}>
      <td class="pick">
        <input type="checkbox" aria-label="Select ${c.subject}" .checked=${this.picked.has(c.id)} @click=${(e: MouseEvent) => this.pick(e, index)} />
      </td>
      <td class="subject">
        <button type="button" @click=${(e: Event) => (e.stopPropagation(), this.select(c.id))}>
          <span class="who">
            <span class="name">${c.contact.name}</span>
            ${c.unread > 0 ? html`<span class="badge" aria-label="${c.unread} unread">${c.unread}</span>` : nothing}
            <span class="ago">${when(c.activityAt)}</span>
          </span>
          <span class="subj">${c.subject}</span>
          <span class="chips">
            <span class="chip ${c.status}">${STATUS_LABEL[c.status]}</span>
            <span class="chip ${c.attention}">${ATTENTION_LABEL[c.attention]}</span>
            ${c.archived ? html`<span class="chip">Archived</span>` : nothing}
            ${c.contact.account ? html`<span class="chip">${c.contact.account.name}</span>` : nothing}
            ${labelChips(c.labels)}
          </span>
        </button>
      </td>
      <td class="when">${when(c.createdAt)}</td>
      <td class="when">${last}</td>
    </tr>`;
  }

  /** What an empty list means here, and what to do next. */
  private emptyText(): string {
    if (this.query) return "Nothing matches your search. Try fewer or other words, or the All filter.";
    if (this.labelFilter.length > 0) return "No conversation carries every chosen label. Remove a label above to see more.";
    if (this.accountId) return "No conversations with this account's contacts yet. Add contacts under Contacts, or start one with New conversation in the inbox.";
    switch (this.filter) {
      case "unread":
        return "You are all caught up: nothing unread. New replies show up here.";
      case "archived":
        return "Nothing archived. Archive a conversation from its thread or with the checkboxes to file it here.";
      default:
        return this.allowNew
          ? "No conversations yet. Turn on Available for chat to take chats, or start one with New conversation."
          : "No conversations here yet.";
    }
  }

  private renderLabelFilter() {
    if (this.allLabels.length === 0) return nothing;
    const on = new Set(this.labelFilter);
    const active = this.allLabels.filter((l) => on.has(l.id));
    return html`<details class="label-filter">
        <summary>Labels${active.length ? ` (${active.length})` : ""}</summary>
        <div class="menu" role="group" aria-label="Filter by labels">
          ${this.allLabels.map(
            (l) => html`<label>
              <input type="checkbox" .checked=${on.has(l.id)} @change=${(e: Event) => this.toggleLabelFilter(l.id, (e.target as HTMLInputElement).checked)} />
              ${labelChip(l)}
            </label>`,
          )}
        </div>
      </details>
      <span class="active-labels">
        ${active.map(
          (l) => html`<button type="button" aria-label="Stop filtering by ${l.name}" title="Stop filtering by ${l.name}" @click=${() => this.toggleLabelFilter(l.id, false)}>
            ${labelChip({ ...l, name: `${l.name} ×` })}
          </button>`,
        )}
      </span>`;
  }

  private renderBulkBar() {
    if (this.picked.size === 0) return nothing;
    return html`<parley-bulk-bar
      .selected=${this.conversations.filter((c) => this.picked.has(c.id))}
      .agents=${this.agents}
      .labels=${this.allLabels}
      @bulk-done=${() => void this.refresh()}
      @clear-selection=${() => this.pickAll(false)}
    ></parley-bulk-bar>`;
  }

  override render() {
    const pageNumber = this.cursors.length;
    const allPicked = this.conversations.length > 0 && this.conversations.every((c) => this.picked.has(c.id));
    return html`
      <div class="controls">
        <div class="row">
          <div role="group" aria-label="Filter threads">
            ${FILTERS.map(
              (f) => html`<button type="button" aria-pressed=${this.filter === f.id ? "true" : "false"} @click=${() => this.setFilter(f.id)}>
                ${f.label}
              </button>`,
            )}
          </div>
          ${this.allowNew
            ? html`<button class="secondary new" type="button" @click=${() => this.dispatchEvent(new CustomEvent("new-conversation", { bubbles: true, composed: true }))}>
                New conversation
              </button>`
            : nothing}
        </div>
        <div class="row">
          <input type="search" aria-label="Search" placeholder="Search conversations" title="Subjects, contacts and messages" .value=${this.query} @input=${this.onSearch} />
          <label class="status">
            Status
            <select
              @change=${(e: Event) => {
                this.attention = (e.target as HTMLSelectElement).value as Attention | "";
                this.firstPage();
              }}
            >
              <option value="" ?selected=${this.attention === ""}>Any</option>
              <option value="attentive" ?selected=${this.attention === "attentive"}>${ATTENTION_LABEL.attentive}</option>
              <option value="answered" ?selected=${this.attention === "answered"}>${ATTENTION_LABEL.answered}</option>
            </select>
          </label>
          ${this.renderLabelFilter()}
        </div>
      </div>
      ${this.renderBulkBar()}
      ${this.error ? html`<p class="error empty" role="alert">${this.error}</p>` : nothing}
      <div class="list">
        <table>
          <thead>
            <tr>
              <th class="pick" scope="col">
                <input type="checkbox" aria-label="Select all on this page" .checked=${allPicked} @change=${(e: Event) => this.pickAll((e.target as HTMLInputElement).checked)} />
              </th>
              <th class="subject" scope="col">Conversation</th><th class="when" scope="col">Created</th><th class="when" scope="col">Last reply</th>
            </tr>
          </thead>
          <tbody>
            ${this.conversations.map((c, i) => this.renderRow(c, i))}
          </tbody>
        </table>
        ${this.loaded && this.conversations.length === 0
          ? html`<p class="empty">${this.emptyText()}</p>`
          : nothing}
      </div>
      <div class="pager">
        <label>
          Rows per page
          <select
            @change=${(e: Event) => {
              this.limit = Number((e.target as HTMLSelectElement).value);
              this.firstPage();
            }}
          >
            ${PAGE_SIZES.map((n) => html`<option value=${n} ?selected=${n === this.limit}>${n}</option>`)}
          </select>
        </label>
        <span class="spacer"></span>
        <span class="muted">Page ${pageNumber}</span>
        <button class="secondary" type="button" ?disabled=${pageNumber === 1} aria-label="Previous page" @click=${() => this.page(-1)}>Previous</button>
        <button class="secondary" type="button" ?disabled=${!this.nextCursor} aria-label="Next page" @click=${() => this.page(1)}>Next</button>
      </div>
    `;
  }
}

customElements.define("parley-inbox", InboxList);
