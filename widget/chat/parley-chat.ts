import { html, LitElement, nothing, type PropertyValues } from "lit";
import type { VisitorIdentity } from "../../protocol/api";
import { hostStyles } from "./host-styles";
import { fill, launcherStrings, resolveLocale } from "./launcher-strings";
import type { VisitorSession } from "./session";
import { loadVisitor, storageKey } from "./visitor-store";

/**
 * `<parley-chat>`: this module is all a page loads up front (the launcher); the session and the
 * panel are imported when the visitor opens the chat, or at once for a visitor with a
 * conversation to resume (so that its unread badge is live).
 */
export class ParleyChat extends LitElement {
  static override styles = hostStyles;
  static override properties = {
    channel: { type: String },
    locale: { type: String },
    topic: { type: String },
    userId: { type: String, attribute: "user-id" },
    userEmail: { type: String, attribute: "user-email" },
    userName: { type: String, attribute: "user-name" },
    userHash: { type: String, attribute: "user-hash" },
    userToken: { type: String, attribute: "user-token" },
    /** Unsigned facts of the host page (JSON in the `attributes` attribute), shown to agents as unverified. */
    hostAttributes: { type: Object, attribute: "attributes" },
    isOpen: { state: true },
    unread: { state: true },
    session: { state: true },
    panelDefined: { state: true },
    switchedOff: { state: true },
  };

  declare channel: string;
  declare locale: string;
  declare topic: string;
  declare userId: string;
  declare userEmail: string;
  declare userName: string;
  declare userHash: string;
  declare userToken: string;
  declare hostAttributes: Record<string, string | number | boolean> | null;
  declare isOpen: boolean;
  declare unread: number;
  declare session: VisitorSession | null;
  declare panelDefined: boolean;
  /** The channel's switch is off: nothing is rendered. */
  declare switchedOff: boolean;

  /** Bumped whenever the session is replaced, so a late import for an old one is dropped. */
  private generation = 0;

  constructor() {
    super();
    this.channel = "";
    this.locale = "";
    this.topic = "";
    this.userId = "";
    this.userEmail = "";
    this.userName = "";
    this.userHash = "";
    this.userToken = "";
    this.hostAttributes = null;
    this.isOpen = false;
    this.unread = 0;
    this.session = null;
    this.panelDefined = false;
    this.switchedOff = false;
  }

  open(): void {
    this.setOpen(true);
  }

  close(): void {
    this.setOpen(false);
  }

  toggle(): void {
    this.setOpen(!this.isOpen);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached by a single-page app: pick up where it was (the first attachment starts in willUpdate).
    if (this.hasUpdated && this.channel && (this.isOpen || this.hasConversation())) void this.ensureSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.dropSession();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const identityKeys = ["channel", "locale", "topic", "userId", "userEmail", "userName", "userHash", "userToken"] as const;
    if (!identityKeys.some((k) => changed.has(k)) || !this.isConnected) return;
    if (changed.has("channel")) void this.checkSwitch(this.channel);
    this.dropSession();
    if (this.channel && (this.isOpen || this.hasConversation())) void this.ensureSession();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("isOpen") && changed.get("isOpen") === true && !this.isOpen) {
      this.renderRoot.querySelector<HTMLElement>(".launcher")?.focus();
    }
  }

  private get localeCode() {
    return resolveLocale(this.locale);
  }

  private get identity(): VisitorIdentity | null {
    if (!this.userId || !this.userHash) return null;
    return {
      userId: this.userId,
      userHash: this.userHash,
      userEmail: this.userEmail || undefined,
      userName: this.userName || undefined,
    };
  }

  /** Whose conversations this browser keeps: the signed customer's id (read, not trusted: the Worker checks). */
  private get userKey(): string | null {
    if (this.identity) return this.identity.userId;
    try {
      const sub = JSON.parse(atob((this.userToken.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).sub;
      return typeof sub === "string" ? sub : null;
    } catch {
      return null;
    }
  }

  private hasConversation(): boolean {
    return loadVisitor(storageKey(this.channel, this.userKey)).current !== null;
  }

  private setOpen(open: boolean): void {
    if (open === this.isOpen) return;
    this.isOpen = open;
    this.dispatchEvent(new CustomEvent(open ? "parley-open" : "parley-close", { bubbles: true, composed: true }));
    if (!open) return;
    // Availability changes while the page sits there: look again each time the visitor opens it.
    if (this.session?.loaded && !this.session.current) void this.session.load();
    void this.ensurePanel();
  }

  private async ensurePanel(): Promise<void> {
    await this.ensureSession();
    if (this.panelDefined) return;
    await import("./panel");
    this.panelDefined = true;
  }

  private async ensureSession(): Promise<void> {
    if (this.session || !this.channel) return;
    const generation = ++this.generation;
    const { VisitorSession } = await import("./session");
    if (generation !== this.generation || this.session) return;
    this.session = new VisitorSession(
      {
        channel: this.channel,
        locale: this.localeCode,
        topic: this.topic,
        identity: this.identity,
        userToken: this.userToken || null,
        userKey: this.userKey,
        attributes: this.hostAttributes,
      },
      {
        unread: (count) => {
          this.unread = count;
          this.dispatchEvent(new CustomEvent("parley-unread", { detail: { count }, bubbles: true, composed: true }));
        },
        message: (message) => {
          this.dispatchEvent(new CustomEvent("parley-message", { detail: message, bubbles: true, composed: true }));
        },
        openRequested: () => this.open(),
      },
    );
    this.session.addEventListener("change", () => this.requestUpdate());
  }

  private dropSession(): void {
    this.generation++;
    this.session?.dispose();
    this.session = null;
    this.unread = 0;
  }

  /** The launcher's words; a channel may override them once its configuration has loaded. */
  private word(key: "openChat" | "closeChat"): string {
    return this.session?.channel?.strings[this.localeCode]?.[key] ?? launcherStrings[this.localeCode][key];
  }

  /**
   * Asks the channel whether it is switched on. The launcher shows meanwhile (most channels are on,
   * and it must not wait for a round trip); any failure leaves it shown, as the chat decides later.
   */
  private async checkSwitch(key: string): Promise<void> {
    this.switchedOff = false;
    if (!key) return;
    try {
      const res = await fetch(`${new URL(import.meta.url).origin}/api/widget/channels/${encodeURIComponent(key)}`);
      const body = (await res.json()) as { channel?: { enabled?: boolean } };
      if (key === this.channel) this.switchedOff = body.channel?.enabled === false;
    } catch {
      // Offline or refused: nothing to learn about the switch.
    }
  }

  override render() {
    if (this.switchedOff) return nothing;
    const unreadText = this.unread ? fill(launcherStrings[this.localeCode].unread, { count: this.unread }) : "";
    return html`
      <div class="root">
        ${this.isOpen && this.session && this.panelDefined
          ? html`<parley-panel
              exportparts="panel, header, log, composer"
              .session=${this.session}
              @parley-close-request=${() => this.close()}
            ></parley-panel>`
          : nothing}
        <button
          class="launcher"
          part="launcher"
          aria-label=${this.word(this.isOpen ? "closeChat" : "openChat")}
          aria-expanded=${this.isOpen ? "true" : "false"}
          aria-describedby="unread"
          @click=${() => this.toggle()}
          @pointerenter=${this.prefetch}
          @focus=${this.prefetch}
        >
          ${this.isOpen ? closeIcon : chatIcon}
          ${this.unread && !this.isOpen ? html`<span class="badge" part="badge" aria-hidden="true">${this.unread}</span>` : nothing}
        </button>
        <span id="unread" class="sr-only">${unreadText}</span>
      </div>
    `;
  }

  // The pointer is on its way: start fetching the panel so that the click opens it at once.
  private prefetch(): void {
    void import("./panel");
  }
}

const chatIcon = html`<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
  <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z" transform="translate(0 1)"/>
</svg>`;
const closeIcon = html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
  <path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/>
</svg>`;

// Loading the script twice (or two copies from different URLs) must not throw: the first definition wins.
if (!customElements.get("parley-chat")) customElements.define("parley-chat", ParleyChat);
