import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../protocol/api";
import type { Notification, WorkspaceAgent } from "../../protocol/console";
import type { ConsoleChannel } from "../../protocol/lobby";
import { RequestError } from "../lib/api";
import "./accounts-view";
import "./admin/admin-panel";
import "./admin/canned-responses-view";
import { consoleApi } from "./console-api";
import "./inbox-list";
import type { InboxList } from "./inbox-list";
import { LobbyClient, type QueuedChat } from "./lobby-client";
import "./new-conversation";
import type { NewConversation } from "./new-conversation";
import "./notifications-view";
import "./password-form";
import type { PasswordForm } from "./password-form";
import { QueueAlert } from "./queue-alert";
import "./queue-panel";
import { ShortcutController, type ShortcutAction } from "./shortcuts";
import "./shortcuts-sheet";
import type { ShortcutsSheet } from "./shortcuts-sheet";
import "./sign-in-form";
import { consoleStyles } from "./styles";
import { menuIcon } from "./icons";
import { sentence } from "./text";
import "./thread-view";
import type { ThreadView } from "./thread-view";

/** How long "someone else accepted this chat first" and its kin stay above the queue. */
const NOTICE_MS = 10_000;
/** Polled while the console is open; it is also how the server knows the agent is not away. */
const NOTIFICATIONS_MS = 10_000;

type View = "inbox" | "accounts" | "notifications" | "reports" | "replies" | "admin";
const VIEWS: View[] = ["inbox", "accounts", "notifications", "reports", "replies", "admin"];

/** Where the console is, in the address bar: `#view=inbox&c=<conversation>`. */
function readLocation(): { view: View; conversation: string } {
  const params = new URLSearchParams(location.hash.slice(1));
  const view = params.get("view") as View | null;
  return { view: view && VIEWS.includes(view) ? view : "inbox", conversation: params.get("c") ?? "" };
}

export class ConsoleApp extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { height: 100vh; }
      .shell { display: grid; grid-template-rows: auto 1fr; height: 100vh; }
      .top { display: flex; align-items: center; gap: 10px; padding: 8px 16px; background: #1d2330; color: #fff; flex-wrap: wrap; }
      .brand { font-size: 16px; font-weight: 700; margin: 0; }
      nav ul { display: flex; flex-wrap: wrap; gap: 2px; list-style: none; margin: 0; padding: 0; }
      nav a { display: inline-flex; gap: 6px; align-items: center; color: #c9cfdd; text-decoration: none; padding: 6px 8px; border-radius: 7px; font-weight: 600; }
      nav a:hover { color: #fff; background: #2b3344; }
      nav a[aria-current="page"] { color: #fff; background: #34405a; }
      .spacer { flex: 1; }
      .queue-count { display: inline-flex; gap: 6px; align-items: center; color: #c9cfdd; font-size: 13px; }
      .switch { display: inline-flex; align-items: center; gap: 8px; cursor: pointer; background: none; border: 0; color: #fff; font-weight: 600; padding: 4px; }
      .switch .track { width: 38px; height: 22px; border-radius: 11px; background: #5b6272; position: relative; transition: background 0.15s; }
      .switch .track::after { content: ""; position: absolute; top: 3px; left: 3px; width: 16px; height: 16px; border-radius: 50%; background: #fff; transition: transform 0.15s; }
      .switch[aria-checked="true"] .track { background: #1f9d55; }
      .switch[aria-checked="true"] .track::after { transform: translateX(16px); }
      .switch:disabled { opacity: 0.5; cursor: default; }
      .account { position: relative; }
      .account summary { color: #c9cfdd; font-size: 13px; cursor: pointer; padding: 4px 6px; border-radius: 6px; list-style: none; }
      .account summary::-webkit-details-marker { display: none; }
      .account summary::after { content: " ▾"; }
      .account summary:hover, .account[open] summary { color: #fff; background: #2b3344; }
      .account summary:focus-visible { outline: 3px solid #8aa4f5; }
      .menu { position: absolute; right: 0; top: calc(100% + 6px); z-index: 10; display: grid; gap: 2px; min-width: 210px; padding: 6px; background: #fff; border-radius: 10px; box-shadow: 0 8px 28px rgb(0 0 0 / 0.22); }
      .menu button { all: unset; box-sizing: border-box; padding: 8px 10px; border-radius: 7px; color: #1d2330; cursor: pointer; }
      .menu button:hover, .menu button:focus-visible { background: #eef1f8; }
      .menu .error { padding: 4px 10px; margin: 0; font-size: 13px; max-width: 240px; }
      .top .secondary { background: transparent; color: #fff; border-color: #5b6272; }
      main { min-height: 0; display: grid; }
      main:focus { outline: none; }
      .inbox { display: grid; grid-template-columns: minmax(440px, 46%) 1fr; min-height: 0; }
      .left { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #e3e6ee; }
      .left parley-inbox { flex: 1; }
      parley-sign-in { height: 100vh; }
      .skip { position: absolute; left: 8px; top: -60px; z-index: 30; padding: 8px 12px; border-radius: 7px; background: #fff; color: #1d2330; font-weight: 600; }
      .skip:focus { top: 8px; }
      .menu-toggle { display: none; }
      .back { display: none; }
      /*
       * Below a small laptop the console shows one pane: the list, or the open thread with a way back.
       * After the two-column rule, which would otherwise win and keep the list 440 px wide on a phone.
       */
      /* Where the links and the agent's controls no longer share one line, the links go behind Menu. */
      @media (max-width: 1150px) {
        .menu-toggle { display: inline-flex; align-items: center; gap: 6px; }
        nav { position: relative; }
        nav ul { display: none; }
        nav.open ul { display: grid; position: absolute; left: 0; top: calc(100% + 6px); z-index: 20; min-width: 220px; padding: 6px; background: #1d2330; border-radius: 10px; box-shadow: 0 8px 28px rgb(0 0 0 / 0.3); }
        nav.open a { display: flex; padding: 10px 12px; }
      }
      @media (max-width: 900px) {
        .top { padding: 6px 10px; gap: 6px 8px; }
        .inbox { grid-template-columns: minmax(0, 1fr); }
        .left { overflow-y: auto; border-right: 0; }
        .left parley-inbox { flex: none; }
        .inbox.open .left, .inbox:not(.open) parley-thread { display: none; }
        .inbox.open { grid-template-rows: auto minmax(0, 1fr); }
        .inbox.open .back { display: block; justify-self: start; margin: 8px 12px 0; }
      }
      @media print {
        :host, .shell { height: auto; display: block; }
        .top, .left { display: none !important; }
        main, .inbox { display: block; }
      }
    `,
  ];
  static override properties = {
    agent: { state: true },
    checked: { state: true },
    view: { state: true },
    selected: { state: true },
    channels: { state: true },
    agents: { state: true },
    queue: { state: true },
    available: { state: true },
    connected: { state: true },
    queueNotice: { state: true },
    accepting: { state: true },
    notifications: { state: true },
    unseen: { state: true },
    menuError: { state: true },
    navOpen: { state: true },
  };
  declare agent: Agent | null;
  declare checked: boolean;
  declare view: View;
  declare selected: string;
  declare channels: ConsoleChannel[];
  declare agents: WorkspaceAgent[];
  declare queue: QueuedChat[];
  declare available: boolean;
  declare connected: boolean;
  declare queueNotice: string;
  declare accepting: string;
  declare notifications: Notification[];
  declare unseen: number;
  declare menuError: string;
  /** On a narrow screen the navigation sits behind a Menu button. */
  declare navOpen: boolean;
  private lobby: LobbyClient | null = null;
  private readonly alert = new QueueAlert();
  private readonly announced = new Set<string>();
  /** Who took each chat, as the lobby announced it: the answer for an agent who clicks "Accept" too late. */
  private readonly takenBy = new Map<string, string>();
  private notificationTimer: ReturnType<typeof setInterval> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.agent = null;
    this.checked = false;
    const here = readLocation();
    this.view = here.view;
    this.selected = here.conversation;
    this.channels = [];
    this.agents = [];
    this.queue = [];
    this.available = false;
    this.connected = false;
    this.queueNotice = "";
    this.accepting = "";
    this.notifications = [];
    this.unseen = 0;
    this.menuError = "";
    this.navOpen = false;
    new ShortcutController(this, (action) => this.shortcut(action), () => this.agent !== null);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("hashchange", this.onHashChange);
    // The switch may come back on from an earlier session, without the click that allows sound.
    addEventListener("pointerdown", this.onFirstGesture);
    addEventListener("keydown", this.onFirstGesture);
    consoleApi
      .me()
      .then(({ agent }) => this.signedIn(agent))
      .catch(() => (this.agent = null))
      .finally(() => (this.checked = true));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHashChange);
    removeEventListener("pointerdown", this.onFirstGesture);
    removeEventListener("keydown", this.onFirstGesture);
    this.stop();
  }

  private readonly onFirstGesture = () => {
    if (!this.agent) return;
    removeEventListener("pointerdown", this.onFirstGesture);
    removeEventListener("keydown", this.onFirstGesture);
    this.alert.prepare();
  };

  private readonly onHashChange = () => {
    const here = readLocation();
    this.view = here.view;
    this.selected = here.conversation;
  };

  private go(view: View, conversation = this.selected): void {
    this.navOpen = false;
    this.view = view;
    this.selected = conversation;
    const params = new URLSearchParams({ view });
    if (conversation) params.set("c", conversation);
    history.replaceState(null, "", `#${params}`);
  }

  private signedIn(agent: Agent): void {
    this.agent = agent;
    void this.start();
  }

  private async start(): Promise<void> {
    void this.pollNotifications();
    this.notificationTimer = setInterval(() => void this.pollNotifications(), NOTIFICATIONS_MS);
    const [{ channels }, { agents }] = await Promise.all([consoleApi.channels(), consoleApi.agents()]);
    this.channels = channels;
    this.agents = agents;
    this.lobby = new LobbyClient(channels, {
      change: () => this.lobbyChanged(),
      accepted: (conversationId, by) => {
        this.takenBy.set(conversationId, by.name);
        if (by.id === this.agent?.id) {
          this.queueNotice = "";
          this.go("inbox", conversationId);
          this.inbox()?.refresh();
        } else if (this.accepting === conversationId) {
          this.tellQueue(`${by.name} accepted this chat first.`);
        }
        if (this.accepting === conversationId) this.accepting = "";
      },
      error: (_code, message, conversationId) => {
        this.tellQueue(sentence(message));
        if (conversationId === this.accepting) this.accepting = "";
      },
    });
    this.lobby.connect();
  }

  private stop(): void {
    clearInterval(this.notificationTimer);
    clearTimeout(this.noticeTimer);
    this.lobby?.close();
    this.lobby = null;
    this.queue = [];
    this.available = false;
    this.connected = false;
  }

  private lobbyChanged(): void {
    const lobby = this.lobby;
    if (!lobby) return;
    this.available = lobby.available;
    this.connected = lobby.connected;
    this.queue = lobby.queue;
    for (const chat of this.queue) {
      if (this.announced.has(chat.conversationId)) continue;
      this.announced.add(chat.conversationId);
      this.alert.waiting(chat.subject, chat.contactName, () => this.go("inbox"));
    }
    this.updateTitle();
  }

  private async pollNotifications(): Promise<void> {
    try {
      const list = await consoleApi.notifications();
      this.notifications = list.notifications;
      this.unseen = list.unseen;
      this.updateTitle();
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) this.signedOut();
    }
  }

  private updateTitle(): void {
    const count = this.queue.length + this.unseen;
    document.title = count > 0 ? `(${count}) Parley console` : "Parley console";
  }

  private toggleAvailable(): void {
    const on = !this.available;
    if (on) this.alert.prepare();
    this.lobby?.setAvailable(on);
  }

  private accept(conversationId: string): void {
    this.queueNotice = "";
    if (!this.lobby?.accept(conversationId)) {
      const winner = this.takenBy.get(conversationId);
      this.tellQueue(
        !this.available
          ? "Turn on “Available for chat” to accept chats."
          : winner
            ? `${winner} accepted this chat first.`
            : "This chat is no longer waiting.",
      );
      return;
    }
    this.accepting = conversationId;
  }

  /** Why an accept did not go through, shown above the queue for a while. */
  private tellQueue(text: string): void {
    this.queueNotice = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.queueNotice = ""), NOTICE_MS);
  }

  private async signOut(): Promise<void> {
    await consoleApi.signOut().catch(() => undefined);
    this.signedOut();
  }

  /** Every session of this agent ends on the server, this one included; only then is the console signed out. */
  private async signOutEverywhere(): Promise<void> {
    this.menuError = "";
    try {
      await consoleApi.signOutEverywhere();
      this.signedOut();
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) this.signedOut();
      else this.menuError = "Could not reach the server, so your other sessions are still signed in. Try again.";
    }
  }

  private openPassword(): void {
    this.renderRoot.querySelector<HTMLDetailsElement>("details.account")?.removeAttribute("open");
    this.renderRoot.querySelector<PasswordForm>("parley-password-form")?.open();
  }

  private signInAlertOpened(): void {
    void consoleApi.signInAlertsSeen().then(() => this.pollNotifications(), () => undefined);
    this.go("admin");
  }

  private signedOut(): void {
    this.stop();
    this.agent = null;
  }

  private inbox(): InboxList | null {
    return this.renderRoot.querySelector<InboxList>("parley-inbox");
  }

  /** A control inside the open thread, found the way the agent would find it: by its role and name. */
  private threadControl<T extends HTMLElement>(selector: string, text?: string): T | null {
    const thread = this.renderRoot.querySelector<ThreadView>("parley-thread");
    const found = [...(thread?.renderRoot.querySelectorAll<T>(selector) ?? [])];
    return found.find((el) => text === undefined || el.textContent?.trim() === text) ?? null;
  }

  /** Each shortcut does what its visible control does; false when there is nothing for it to do here. */
  private shortcut(action: ShortcutAction): boolean {
    if (action === "help") {
      this.renderRoot.querySelector<HTMLDetailsElement>("details.account")?.removeAttribute("open");
      this.renderRoot.querySelector<ShortcutsSheet>("parley-shortcuts-sheet")?.show();
      return true;
    }
    if (action === "accept") {
      const first = this.queue[0];
      if (!first || !this.available) return false;
      this.go("inbox");
      this.accept(first.conversationId);
      return true;
    }
    if (this.view !== "inbox") return false;
    const inbox = this.inbox();
    // The composer's Private note switch is its `note` property: r turns it off, n on, as a click on the switch would.
    const write = (note: boolean) => {
      const composer = this.threadControl<LitElement & { note: boolean; disabled: boolean }>("parley-composer");
      if (!composer || composer.disabled) return false;
      composer.note = note;
      void composer.updateComplete.then(() => composer.shadowRoot?.querySelector<HTMLTextAreaElement>("textarea")?.focus());
      return true;
    };
    switch (action) {
      case "next":
      case "previous":
        inbox?.moveCursor(action === "next" ? 1 : -1);
        return inbox !== null;
      case "open":
        inbox?.openCursor();
        return inbox !== null;
      case "search":
        inbox?.focusSearch();
        return inbox !== null;
      case "reply":
        return write(false);
      case "note":
        return write(true);
      case "archive": {
        const button = this.threadControl<HTMLButtonElement>('[role="toolbar"] button', "Archive");
        button?.click();
        return Boolean(button);
      }
      case "label": {
        const picker = this.threadControl<HTMLElement & { show(): Promise<void> }>("parley-label-picker");
        void picker?.show();
        return Boolean(picker);
      }
      case "assign": {
        const select = [...(this.renderRoot.querySelector<ThreadView>("parley-thread")?.renderRoot.querySelectorAll("label") ?? [])]
          .find((l) => l.textContent?.trim().startsWith("Responsible agent"))
          ?.querySelector("select");
        select?.focus();
        return Boolean(select);
      }
    }
  }

  /** The address bar holds the console's place, so the skip link moves focus instead of the hash. */
  private skipToMain(e: Event): void {
    e.preventDefault();
    this.renderRoot.querySelector<HTMLElement>("main")?.focus();
  }

  private renderNav(agent: Agent) {
    const item = (view: View, label: string, extra: unknown = nothing) =>
      html`<li>
        <a href="#view=${view}" aria-current=${this.view === view ? "page" : "false"} @click=${(e: Event) => (e.preventDefault(), this.go(view))}>
          ${label}${extra}
        </a>
      </li>`;
    return html`<nav aria-label="Console" class=${this.navOpen ? "open" : ""}>
      <button
        class="secondary menu-toggle"
        type="button"
        aria-expanded=${this.navOpen ? "true" : "false"}
        aria-controls="console-nav"
        @click=${() => (this.navOpen = !this.navOpen)}
      >
        ${menuIcon} Menu
      </button>
      <ul id="console-nav">
        ${item("inbox", "Inbox")} ${item("accounts", "Accounts")}
        ${item("notifications", "Notifications", this.unseen > 0 ? html`<span class="badge alert" aria-label="${this.unseen} new">${this.unseen}</span>` : nothing)}
        ${item("reports", "Reports")} ${item("replies", "Saved replies")}
        ${agent.role === "admin" ? item("admin", "Administration") : nothing}
      </ul>
    </nav>`;
  }

  private renderView(agent: Agent) {
    switch (this.view) {
      case "accounts":
        return html`<parley-accounts .me=${agent} .agents=${this.agents} ?canAccept=${this.available}></parley-accounts>`;
      case "notifications":
        return html`<parley-notifications
          .notifications=${this.notifications}
          @select-conversation=${(e: CustomEvent<string>) => this.go("inbox", e.detail)}
          @sign-in-alert=${this.signInAlertOpened}
        ></parley-notifications>`;
      case "reports":
        // Its own chunk with the charting library: nothing of it loads until Reports is opened.
        void import("./reports/reports-page");
        return html`<parley-reports .agent=${agent} .channels=${this.channels} .agents=${this.agents}></parley-reports>`;
      case "replies":
        return html`<parley-saved-replies .agent=${agent}></parley-saved-replies>`;
      case "admin":
        if (agent.role === "admin") return html`<parley-admin .agent=${agent}></parley-admin>`;
    }
    return html`<div class="inbox ${this.selected ? "open" : ""}">
      <div class="left">
        <parley-queue
          .queue=${this.queue}
          ?available=${this.available}
          .notice=${this.queueNotice}
          .accepting=${this.accepting}
          .offers=${this.lobby?.offers ?? []}
          .load=${this.lobby?.load ?? null}
          @decline-chat=${(e: CustomEvent<string>) => this.lobby?.decline(e.detail)}
        ></parley-queue>
        <parley-inbox
          allowNew
          .agents=${this.agents}
          .selected=${this.selected}
          @select-conversation=${(e: CustomEvent<string>) => this.go("inbox", e.detail)}
          @new-conversation=${() => this.renderRoot.querySelector<NewConversation>("parley-new-conversation")?.open()}
        ></parley-inbox>
      </div>
      <button class="secondary back" type="button" @click=${() => this.go("inbox", "")}>← Conversations</button>
      <parley-thread
        .conversationId=${this.selected}
        .me=${agent}
        .agents=${this.agents}
        ?canAccept=${this.available}
        @conversation-changed=${() => this.inbox()?.refresh()}
        @conversation-deleted=${() => {
          this.go("inbox", "");
          this.inbox()?.refresh();
        }}
      ></parley-thread>
      <parley-new-conversation
        .channels=${this.channels}
        .agents=${this.agents}
        .me=${agent}
        @conversation-started=${(e: CustomEvent<string>) => {
          this.go("inbox", e.detail);
          this.inbox()?.refresh();
        }}
      ></parley-new-conversation>
    </div>`;
  }

  override render() {
    if (!this.checked) return html``;
    const agent = this.agent;
    if (!agent) return html`<parley-sign-in @signed-in=${(e: CustomEvent<Agent>) => this.signedIn(e.detail)}></parley-sign-in>`;
    return html`
      <div class="shell" @signed-out=${this.signedOut} @accept-chat=${(e: CustomEvent<string>) => this.accept(e.detail)}>
        <a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
        <div class="top">
          <p class="brand">Parley</p>
          ${this.renderNav(agent)}
          <span class="spacer"></span>
          <span class="queue-count" aria-live="polite">
            ${this.available ? html`Waiting <span class="badge ${this.queue.length > 0 ? "alert" : "zero"}">${this.queue.length}</span>` : nothing}
          </span>
          <button
            class="switch"
            type="button"
            role="switch"
            aria-checked=${this.available ? "true" : "false"}
            ?disabled=${!this.connected}
            title=${this.connected ? "" : "Connecting…"}
            @click=${this.toggleAvailable}
          >
            <span class="track" aria-hidden="true"></span>
            Available for chat
          </button>
          <details class="account">
            <summary>${agent.name}</summary>
            <div class="menu">
              <button type="button" @click=${this.openPassword}>Change password</button>
              <button type="button" @click=${this.signOutEverywhere}>Sign out everywhere</button>
              <button type="button" @click=${() => this.shortcut("help")}>Keyboard shortcuts <kbd>?</kbd></button>
              ${this.menuError ? html`<p class="error" role="alert">${this.menuError}</p>` : nothing}
            </div>
          </details>
          <button class="secondary" type="button" @click=${this.signOut}>Sign out</button>
        </div>
        <main id="main" tabindex="-1">${this.renderView(agent)}</main>
        <parley-password-form></parley-password-form>
        <parley-shortcuts-sheet></parley-shortcuts-sheet>
      </div>
    `;
  }
}


customElements.define("parley-console", ConsoleApp);
