import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import type { AdminChannel, UpdateChannelRequest } from "../../../protocol/admin";
import type { ChannelConfig } from "../../../protocol/channel";
import { RequestError } from "../../lib/api";
import { adminApi, describeError } from "./admin-api";
import { adminStyles } from "./admin-styles";
import "./embed-snippet";
import "./identity-secret-panel";
import "./opening-hours-editor";
import "./prechat-fields-editor";
import "./string-overrides-editor";

const MB = 1024 * 1024;

/** The form's state: lists stay raw text while edited, so typing a new line or a comma works. */
type Draft = {
  key: string;
  name: string;
  originsText: string;
  topicsText: string;
  typesText: string;
  maxMegabytes: number;
  notificationEmail: string;
  config: ChannelConfig;
};

const toDraft = (c: AdminChannel): Draft => ({
  key: c.key,
  name: c.name,
  originsText: c.allowedOrigins.join("\n"),
  topicsText: c.config.topics.join("\n"),
  typesText: c.config.attachments.types.join(", "),
  maxMegabytes: Math.round((c.config.attachments.maxBytes / MB) * 10) / 10,
  notificationEmail: c.config.notificationEmail ?? "",
  config: structuredClone(c.config),
});

const lines = (text: string) => text.split("\n").map((s) => s.trim()).filter(Boolean);

function toRequest(d: Draft): UpdateChannelRequest {
  return {
    key: d.key.trim(),
    name: d.name,
    allowedOrigins: lines(d.originsText),
    config: {
      ...d.config,
      topics: lines(d.topicsText),
      attachments: { maxBytes: Math.round(d.maxMegabytes * MB), types: d.typesText.split(",").map((s) => s.trim()).filter(Boolean) },
      notificationEmail: d.notificationEmail.trim() || null,
    },
  };
}

/** The server names the offending field by its path; say it the way the form does. */
const FIELD_LABELS: [string, string][] = [
  ["config.openingHours", "Opening hours"],
  ["config.idleMinutes", "Idle time"],
  ["config.leaveGraceSeconds", "Visitor left"],
  ["config.replyEmailDelaySeconds", "Email unseen replies"],
  ["config.topics", "Topics"],
  ["config.preChatFields", "Pre-chat fields"],
  ["config.strings", "Widget text"],
  ["config.notificationEmail", "Notification email"],
  ["config.maxMessageLength", "Longest message"],
  ["config.attachments", "Files"],
  ["allowedOrigins", "Allowed origins"],
  ["key", "Key"],
  ["name", "Name"],
];

function explain(err: unknown): string {
  if (!(err instanceof RequestError) || err.code !== "invalid_request") return describeError(err);
  const [path = "", ...rest] = err.message.split(": ");
  const label = FIELD_LABELS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`))?.[1];
  return label ? describeError(new RequestError(err.status, err.code, `${label}: ${rest.join(": ")}`)) : describeError(err);
}

/** Every setting of one channel; "Save changes" replaces them all at once. Emits `channel-saved`. */
const routingModeOf = (value: string): ChannelConfig["routing"]["mode"] => (value === "auto" || value === "least_busy" ? value : "manual");

export class ChannelEditor extends LitElement {
  static override styles = [
    adminStyles,
    css`
      :host { display: block; min-width: 0; max-width: 880px; }
      header { display: flex; align-items: baseline; gap: 10px; margin-bottom: 12px; }
      header h2 { margin: 0; }
      .card { margin-bottom: 16px; }
      parley-admin-identity-secret { margin-top: 16px; }
      .two { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
      .checks { display: grid; gap: 8px; }
      .savebar {
        position: sticky; bottom: 0; display: flex; gap: 12px; align-items: center; padding: 12px 16px;
        background: #fff; border: 1px solid #e3e6ee; border-radius: 10px; box-shadow: 0 -4px 16px rgb(0 0 0 / 0.05);
      }
      input[type="number"] { width: 9em; }
    `,
  ];
  static override properties = {
    channel: { attribute: false },
    draft: { state: true },
    busy: { state: true },
    status: { state: true },
    error: { state: true },
  };
  declare channel: AdminChannel | null;
  declare draft: Draft | null;
  declare busy: boolean;
  declare status: string;
  declare error: string;

  constructor() {
    super();
    this.channel = null;
    this.draft = null;
    this.busy = false;
    this.status = "";
    this.error = "";
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Only another channel resets the form: a new identity secret must not discard unsaved edits.
    if (changed.has("channel") && this.channel && this.channel.id !== changed.get("channel")?.id) {
      this.draft = toDraft(this.channel);
      this.status = "";
      this.error = "";
    }
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    this.draft = { ...this.draft!, [key]: value };
    this.status = "";
  }

  private setConfig<K extends keyof ChannelConfig>(key: K, value: ChannelConfig[K]): void {
    this.set("config", { ...this.draft!.config, [key]: value });
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (!this.channel || !this.draft) return;
    this.busy = true;
    this.error = "";
    this.status = "";
    try {
      const { channel } = await adminApi.updateChannel(this.channel.id, toRequest(this.draft));
      this.draft = toDraft(channel);
      this.status = "Saved.";
      this.dispatchEvent(new CustomEvent<AdminChannel>("channel-saved", { detail: channel, bubbles: true, composed: true }));
    } catch (err) {
      this.error = explain(err);
    } finally {
      this.busy = false;
    }
  }

  private check(label: string, checked: boolean, onChange: (checked: boolean) => void, hint = "") {
    return html`
      <label class="check">
        <input type="checkbox" .checked=${checked} @change=${(e: Event) => onChange((e.target as HTMLInputElement).checked)} />
        ${label}${hint ? html`<span class="muted">— ${hint}</span>` : nothing}
      </label>
    `;
  }

  override render() {
    const channel = this.channel;
    const d = this.draft;
    if (!channel || !d) return nothing;
    const text = (e: Event) => (e.target as HTMLInputElement).value;
    const number = (e: Event) => (e.target as HTMLInputElement).valueAsNumber;
    const optionalNumber = (e: Event) => {
      const value = (e.target as HTMLInputElement).valueAsNumber;
      return Number.isNaN(value) ? null : value;
    };
    return html`
      <header><h2>${channel.name}</h2><code class="muted">${channel.key}</code></header>
      <parley-admin-embed-snippet class="card" channel-key=${channel.key}></parley-admin-embed-snippet>

      <form @submit=${this.save} aria-label=${`Settings of ${channel.name}`}>
        <fieldset>
          <legend>Channel</legend>
          <div class="two">
            <label class="field">Name <input required maxlength="80" .value=${d.name} @input=${(e: Event) => this.set("name", text(e))} /></label>
            <label class="field">Key
              <input required maxlength="64" pattern="[a-z0-9\\-]+" .value=${d.key} @input=${(e: Event) => this.set("key", text(e))} />
            </label>
          </div>
          <p class="hint">The key is what the embed snippet names: a-z, 0-9 and -. Pages that embed the old key stop working when it changes.</p>
        </fieldset>

        <fieldset>
          <legend>Opening hours</legend>
          <parley-admin-opening-hours .value=${d.config.openingHours}
            @value-changed=${(e: CustomEvent<ChannelConfig["openingHours"]>) => this.setConfig("openingHours", e.detail)}></parley-admin-opening-hours>
        </fieldset>

        <fieldset>
          <legend>Conversations</legend>
          <div class="two">
            <label class="field">Idle time (minutes)
              <input type="number" min="1" max="1440" required .value=${String(d.config.idleMinutes)} @input=${(e: Event) => this.setConfig("idleMinutes", number(e))} />
            </label>
            <label class="field">Notification email
              <input type="email" placeholder="support@example.com" .value=${d.notificationEmail} @input=${(e: Event) => this.set("notificationEmail", text(e))} />
            </label>
          </div>
          <p class="hint">A chat closes after this long without a word from the visitor. New messages are also emailed to the notification address.</p>
          <label class="field">Visitor left: end the chat after (seconds)
            <input type="number" min="15" max="86400" required .value=${String(d.config.leaveGraceSeconds)} @input=${(e: Event) => this.setConfig("leaveGraceSeconds", number(e))} />
          </label>
          <p class="hint">When the visitor closes the page, agents see it at once; the chat ends if they have not come back by then (long enough for a reload or the site's next page).</p>
          <label class="field">Email replies the customer has not seen after (seconds)
            <input type="number" min="5" max="86400" required .value=${String(d.config.replyEmailDelaySeconds)} @input=${(e: Event) => this.setConfig("replyEmailDelaySeconds", number(e))} />
          </label>
          <p class="hint">An agent's answer the customer has not read by then is emailed to them, with anything else written meanwhile; they can answer by replying.</p>
          <label class="field">When the customer emails after the chat ended
            <select .value=${d.config.emailAfterEnd} @change=${(e: Event) => this.setConfig("emailAfterEnd", (e.target as HTMLSelectElement).value === "follow_up" ? "follow_up" : "reopen")}>
              <option value="reopen" ?selected=${d.config.emailAfterEnd === "reopen"}>Reopen the conversation</option>
              <option value="follow_up" ?selected=${d.config.emailAfterEnd === "follow_up"}>Start a follow-up conversation linked to it</option>
            </select>
          </label>
          <label class="field">Topics, one per line
            <textarea rows="4" .value=${d.topicsText} @input=${(e: Event) => this.set("topicsText", text(e))}></textarea>
          </label>
          <div class="checks">
            ${this.check("Chat switched on", d.config.enabled, (v) => this.setConfig("enabled", v), "off: the widget shows nothing on any page and no new chat starts on this channel")}
            ${this.check("FAQ suggestions", d.config.faqSuggestions, (v) => this.setConfig("faqSuggestions", v), "matching FAQs are shown before a chat starts")}
            ${this.check("Ticket submission", d.config.ticketSubmission, (v) => this.setConfig("ticketSubmission", v), "when closed or nobody is available, visitors leave a question")}
            ${this.check("Transcript email", d.config.transcriptEmail, (v) => this.setConfig("transcriptEmail", v), "the visitor gets the transcript when the chat ends")}
            ${this.check("Team routing", d.config.allowTeamRouting, (v) => this.setConfig("allowTeamRouting", v), "a request's chat may go to any member of its team")}
          </div>
        </fieldset>

        <fieldset>
          <legend>Visitor context</legend>
          <div class="checks">
            ${this.check("Report the visitor's pages", d.config.visitorContext.enabled, (v) => this.setConfig("visitorContext", { ...d.config.visitorContext, enabled: v }), "agents see the page and the trail of pages, with language, time zone and device")}
            ${this.check("Leave out query strings", d.config.visitorContext.stripQuery, (v) => this.setConfig("visitorContext", { ...d.config.visitorContext, stripQuery: v }), "addresses are kept without ?… and #…, which often carry tokens, emails or searches")}
          </div>
        </fieldset>

        <fieldset>
          <legend>Routing and response times</legend>
          <div class="two">
            <label class="field">Routing
              <select @change=${(e: Event) => this.setConfig("routing", { ...d.config.routing, mode: routingModeOf((e.target as HTMLSelectElement).value) })}>
                <option value="manual" ?selected=${d.config.routing.mode === "manual"}>Manual: the queue and Accept</option>
                <option value="auto" ?selected=${d.config.routing.mode === "auto"}>Automatic: round robin</option>
                <option value="least_busy" ?selected=${d.config.routing.mode === "least_busy"}>Automatic: least busy agent</option>
              </select>
            </label>
            <label class="field">Offer time (seconds)
              <input type="number" min="10" max="600" required .value=${String(d.config.routing.offerSeconds)} @input=${(e: Event) => this.setConfig("routing", { ...d.config.routing, offerSeconds: number(e) })} />
            </label>
          </div>
          <p class="hint">Automatic routing offers each chat to one available agent under their capacity; if they do not take it in time it goes to the next, and after everyone it waits in the queue.</p>
          <div class="two">
            <label class="field">Accept within (seconds, empty: no target)
              <input type="number" min="30" max="86400" .value=${d.config.targets.waitSeconds === null ? "" : String(d.config.targets.waitSeconds)} @input=${(e: Event) => this.setConfig("targets", { ...d.config.targets, waitSeconds: optionalNumber(e) })} />
            </label>
            <label class="field">First reply within (seconds, empty: no target)
              <input type="number" min="30" max="86400" .value=${d.config.targets.firstResponseSeconds === null ? "" : String(d.config.targets.firstResponseSeconds)} @input=${(e: Event) => this.setConfig("targets", { ...d.config.targets, firstResponseSeconds: optionalNumber(e) })} />
            </label>
          </div>
          <p class="hint">Counted in opening hours only. A chat past its target is marked in the queue, and its agent and the notification address are alerted once.</p>
        </fieldset>

        <fieldset>
          <legend>End form</legend>
          <div class="checks">
            ${this.check("Ask for feedback when a chat ends", d.config.endForm.enabled, (v) => this.setConfig("endForm", { ...d.config.endForm, enabled: v }))}
            ${this.check("Let the visitor go back to the chat", d.config.endForm.allowBackToChat, (v) => this.setConfig("endForm", { ...d.config.endForm, allowBackToChat: v }))}
          </div>
        </fieldset>

        <fieldset>
          <legend>Pre-chat fields</legend>
          <parley-admin-prechat-fields .value=${d.config.preChatFields}
            @value-changed=${(e: CustomEvent<ChannelConfig["preChatFields"]>) => this.setConfig("preChatFields", e.detail)}></parley-admin-prechat-fields>
        </fieldset>

        <fieldset>
          <legend>Allowed origins</legend>
          <label class="field">Sites that may embed the widget, one per line
            <textarea rows="3" placeholder="https://portal.example.com" .value=${d.originsText} @input=${(e: Event) => this.set("originsText", text(e))}></textarea>
          </label>
          <p class="hint">Exact origins such as https://portal.example.com. A single * allows any site: for local testing only.</p>
        </fieldset>

        <fieldset>
          <legend>Messages and files</legend>
          <div class="two">
            <label class="field">Longest message (characters)
              <input type="number" min="100" max="4000" required .value=${String(d.config.maxMessageLength)} @input=${(e: Event) => this.setConfig("maxMessageLength", number(e))} />
            </label>
            <label class="field">Largest file (MB)
              <input type="number" min="0.1" max="10" step="0.1" required .value=${String(d.maxMegabytes)} @input=${(e: Event) => this.set("maxMegabytes", number(e))} />
            </label>
          </div>
          <label class="field">File types, separated by commas
            <input .value=${d.typesText} placeholder="image/*, application/pdf" @input=${(e: Event) => this.set("typesText", text(e))} />
          </label>
        </fieldset>

        <fieldset>
          <legend>Widget text</legend>
          <parley-admin-string-overrides .value=${d.config.strings}
            @value-changed=${(e: CustomEvent<ChannelConfig["strings"]>) => this.setConfig("strings", e.detail)}></parley-admin-string-overrides>
        </fieldset>

        <div class="savebar">
          <button class="primary" type="submit" ?disabled=${this.busy}>Save changes</button>
          <span role="status" class="ok">${this.status}</span>
          ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
        </div>
      </form>

      <parley-admin-identity-secret class="card" channel-id=${channel.id} .secret=${channel.identitySecret}></parley-admin-identity-secret>
    `;
  }
}

customElements.define("parley-admin-channel-editor", ChannelEditor);
