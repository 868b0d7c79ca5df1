import type { ConversationSummary, Ticket, VisitorIdentity } from "../../protocol/api";
import type { Locale, PublicChannel } from "../../protocol/channel";
import type { ConversationStatus, Message } from "../../protocol/frames";
import { RequestError } from "../lib/api";
import { newClientId } from "../lib/client-id";
import { fieldErrorsFrom, validateContact, type ContactInput, type FieldErrors } from "./contact-validation";
import type { StringKey, Strings } from "./i18n/en";
import { loadStrings } from "./i18n/index";
import { fill, launcherStrings, type LauncherKey } from "./launcher-strings";
import { LiveConversation } from "./live-conversation";
import { loadVisitor, saveVisitor, storageKey, type StoredConversation, type StoredVisitor } from "./visitor-store";
import * as api from "./widget-api";

export type SessionOptions = {
  channel: string;
  locale: Locale;
  /** Preselects this topic in the pre-chat form. */
  topic: string;
  /** A signed-in customer of the host page; the Worker ignores it unless its hash is valid. */
  identity: VisitorIdentity | null;
  /** `user-token`: the host's signed JWT of the customer (README, "Signed context"). */
  userToken: string | null;
  /** Whose conversations this browser keeps (the identity's user id, or the token's subject). */
  userKey: string | null;
  /** The host's unsigned attributes, shown to agents as unverified. */
  attributes: Record<string, string | number | boolean> | null;
};

export type SessionCallbacks = {
  unread(count: number): void;
  message(message: Message): void;
  /** The visitor clicked a browser notification. */
  openRequested(): void;
};

export type ThreadItem = { id: string; subject: string; status: ConversationStatus | null; at: number };

/**
 * Everything the visitor has with one channel: its configuration and words, their conversations
 * (the one on screen is live), and the ticket they left. Views read it and call its methods; it
 * fires "change" whenever anything a view shows may have changed.
 */
export class VisitorSession extends EventTarget {
  channel: PublicChannel | null = null;
  loadFailed = false;
  current: LiveConversation | null = null;
  showingThreads = false;
  ticket: Ticket | null = null;
  /** What the visitor wrote when the chat turned out to be unavailable: the ticket form starts from it. */
  draft: ContactInput | null = null;
  /** The conversation on screen was deleted or can no longer be opened: the pre-chat form says so. */
  currentGone = false;

  private strings: Strings | null = null;
  private readonly storageKey: string;
  private readonly visitor: StoredVisitor;
  private readonly summaries = new Map<string, ConversationSummary>();
  private viewing = false;
  private reportedUnread = 0;

  constructor(
    readonly options: SessionOptions,
    private readonly callbacks: SessionCallbacks,
  ) {
    super();
    this.storageKey = storageKey(options.channel, options.userKey);
    this.visitor = loadVisitor(this.storageKey);
    const current = this.visitor.conversations.find((c) => c.id === this.visitor.current);
    if (current) this.current = this.live(current);
    void this.load();
  }

  get loaded(): boolean {
    return this.channel !== null && this.strings !== null;
  }

  /** A widget string in the visitor's locale, with the channel's override for that locale if it has one. */
  t(key: StringKey | LauncherKey, vars?: Record<string, string | number>): string {
    const locale = this.options.locale;
    const own = key in launcherStrings[locale] ? launcherStrings[locale][key as LauncherKey] : this.strings?.[key as StringKey];
    return fill(this.channel?.strings[locale]?.[key] ?? own ?? "", vars);
  }

  /** Words for a validation problem (see FieldErrors). */
  problem(error: FieldErrors[string]): string {
    if (!error) return "";
    return "text" in error ? error.text : this.t(error.key, error.vars);
  }

  async load(): Promise<void> {
    this.loadFailed = false;
    this.changed();
    try {
      await Promise.all([
        api.fetchChannel(this.options.channel).then((channel) => (this.channel = channel)),
        this.strings ?? loadStrings(this.options.locale).then((strings) => (this.strings = strings)),
        this.loadThreads(),
      ]);
    } catch {
      this.loadFailed = true;
    }
    this.changed();
  }

  dispose(): void {
    this.current?.close();
  }

  /** The panel is open and the visitor can see the current conversation: what arrives is read. */
  setViewing(viewing: boolean): void {
    if (viewing === this.viewing) return;
    this.viewing = viewing;
    this.changed();
  }

  get threads(): ThreadItem[] {
    return this.visitor.conversations
      .map((c) => {
        const summary = this.summaries.get(c.id);
        const live = this.current?.id === c.id ? this.current : null;
        return {
          id: c.id,
          subject: summary?.subject ?? c.subject,
          status: live?.status ?? summary?.status ?? c.status ?? null,
          at: live?.messages.at(-1)?.createdAt ?? summary?.lastMessageAt ?? c.createdAt,
        };
      })
      .sort((a, b) => b.at - a.at);
  }

  showThreads(): void {
    this.showingThreads = true;
    this.changed();
  }

  openThread(id: string): void {
    const stored = this.visitor.conversations.find((c) => c.id === id);
    if (!stored) return;
    if (this.current?.id !== id) {
      this.current?.close();
      this.current = this.live(stored);
    }
    this.visitor.current = id;
    this.showingThreads = false;
    this.save();
    this.changed();
  }

  /** Leaves the current conversation as it is (it stays open for the agent) and shows the pre-chat form. */
  newConversation(): void {
    this.current?.close();
    this.current = null;
    this.visitor.current = null;
    this.showingThreads = false;
    this.ticket = null;
    this.draft = null;
    this.currentGone = false;
    this.save();
    this.changed();
  }

  async startConversation(input: ContactInput): Promise<FieldErrors> {
    const channel = this.channel;
    if (!channel) return {};
    const errors = validateContact(input, channel);
    if (Object.keys(errors).length) return errors;
    try {
      const { conversation, token } = await api.startConversation(this.options.channel, {
        ...this.contactBody(input),
        identity: this.options.identity ?? undefined,
        ...(this.options.userToken ? { userToken: this.options.userToken } : {}),
        ...(this.options.attributes ? { attributes: this.options.attributes } : {}),
        message: { clientId: newClientId(), body: input.message },
      });
      const stored: StoredConversation = {
        id: conversation.id,
        token,
        subject: conversation.subject,
        createdAt: conversation.createdAt,
        status: conversation.status,
        pending: [],
      };
      this.visitor.conversations = [...this.visitor.conversations, stored];
      this.summaries.set(conversation.id, conversation);
      this.openThread(conversation.id);
      return {};
    } catch (err) {
      if (err instanceof RequestError && err.code === "queue_full") {
        // The queue filled up since the channel was loaded, whose availability may be a few seconds
        // old: this answer is newer, so the closed view takes over with it and offers the ticket form.
        this.draft = input;
        this.channel = { ...channel, availability: { available: false, reason: "queue_full" } };
        this.changed();
        return {};
      }
      if (err instanceof RequestError && err.code === "unavailable") {
        // Closed or nobody free since the channel was loaded: the closed view takes over.
        this.draft = input;
        await this.load();
        return {};
      }
      return fieldErrorsFrom(err);
    }
  }

  async submitTicket(input: ContactInput): Promise<FieldErrors> {
    const channel = this.channel;
    if (!channel) return {};
    const errors = validateContact(input, channel);
    if (Object.keys(errors).length) return errors;
    try {
      this.ticket = await api.createTicket(this.options.channel, { ...this.contactBody(input), question: input.message });
      this.draft = null;
      this.changed();
      return {};
    } catch (err) {
      return fieldErrorsFrom(err);
    }
  }

  searchFaqs(q: string, signal: AbortSignal) {
    return api.searchFaqs(this.options.channel, q, signal);
  }

  get notificationOffer(): boolean {
    return (
      "Notification" in window &&
      Notification.permission === "default" &&
      !this.visitor.notificationsDismissed &&
      this.current?.visitorHasWritten === true
    );
  }

  async allowNotifications(): Promise<void> {
    await Notification.requestPermission();
    this.changed();
  }

  dismissNotifications(): void {
    this.visitor.notificationsDismissed = true;
    this.save();
    this.changed();
  }

  private contactBody(input: ContactInput) {
    return {
      name: input.name.trim(),
      email: input.email.trim(),
      topic: input.topic || undefined,
      fields: input.fields,
      locale: this.options.locale,
    };
  }

  private async loadThreads(): Promise<void> {
    const { identity, userToken } = this.options;
    if (!identity && !userToken) return;
    // An identity the Worker does not accept simply has no threads to show.
    const threads = await api
      .listThreads(this.options.channel, userToken ? { userToken } : { identity: identity ?? undefined })
      .catch(() => []);
    for (const { conversation, token } of threads) {
      this.summaries.set(conversation.id, conversation);
      const known = this.visitor.conversations.find((c) => c.id === conversation.id);
      if (known) {
        // Proving the identity again earns a fresh token, which also outlives a revocation.
        known.token = token;
        continue;
      }
      this.visitor.conversations.push({
        id: conversation.id,
        token,
        subject: conversation.subject,
        createdAt: conversation.createdAt,
        status: conversation.status,
        pending: [],
      });
    }
    this.save();
    if (!this.current && this.visitor.conversations.length) this.showingThreads = true;
  }

  private live(stored: StoredConversation): LiveConversation {
    void this.checkToken(stored);
    return new LiveConversation(stored, {
      changed: () => this.changed(),
      persist: (pending) => {
        stored.pending = pending;
        this.save();
      },
      arrived: (message) => this.arrived(message),
      dropped: () => void this.checkToken(stored),
      contextSettings: () => this.channel?.visitorContext ?? null,
    });
  }

  /**
   * Asks whether the conversation still opens, keeping the fresh token the Worker hands out once a
   * week. One that has expired, was revoked or is gone is forgotten: the visitor is offered a new
   * chat instead of a socket that retries for ever. A network failure changes nothing.
   */
  private async checkToken(stored: StoredConversation): Promise<void> {
    try {
      const token = await api.refreshToken(stored.id, stored.token);
      if (token === stored.token) return;
      stored.token = token;
      this.save();
    } catch (err) {
      if (err instanceof RequestError && (err.status === 401 || err.status === 404 || err.status === 410)) this.forget(stored.id);
    }
  }

  private forget(id: string): void {
    this.visitor.conversations = this.visitor.conversations.filter((c) => c.id !== id);
    this.summaries.delete(id);
    if (this.current?.id === id) {
      this.newConversation();
      this.currentGone = true;
      return this.changed();
    }
    this.save();
    this.changed();
  }

  private arrived(message: Message): void {
    this.callbacks.message(message);
    if (message.author.type !== "agent" || this.viewing) return;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const notification = new Notification(this.t("notificationTitle", { name: message.author.name }), {
      body: message.body || message.attachment?.name || "",
      tag: `parley-${this.current?.id ?? ""}`,
    });
    notification.onclick = () => {
      window.focus();
      this.callbacks.openRequested();
      notification.close();
    };
  }

  private save(): void {
    saveVisitor(this.storageKey, this.visitor);
  }

  private changed(): void {
    const current = this.current;
    if (current) {
      if (this.viewing) current.markRead();
      const stored = this.visitor.conversations.find((c) => c.id === current.id);
      if (stored && current.status && stored.status !== current.status) {
        stored.status = current.status;
        this.save();
      }
    }
    const unread = current?.unread ?? 0;
    if (unread !== this.reportedUnread) {
      this.reportedUnread = unread;
      this.callbacks.unread(unread);
    }
    this.dispatchEvent(new Event("change"));
  }
}
