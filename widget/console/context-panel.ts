import { css, html, LitElement, nothing } from "lit";
import type { CustomAttribute } from "../../protocol/custom-attributes";
import type { VisitorContext, VisitorPresence } from "../../protocol/frames";
import type { ConversationContext } from "../../protocol/visitor-context";
import { requestJson } from "../lib/api";
import { formatDateTime } from "../lib/format";
import { consoleStyles } from "./styles";

/** "Left 3 minutes ago" is redrawn this often, so it stays true without a frame from the room. */
const CLOCK_MS = 30_000;

function ago(ms: number): string {
  const minutes = Math.max(0, Math.round((Date.now() - ms) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"} ago`;
}

const shortUrl = (url: string) => url.replace(/^https?:\/\//, "");

/**
 * `<parley-context-panel>`: who the visitor is and where they are, beside the thread. The thread
 * view hands it the live parts from its room socket (`presence`, `context`); the panel reads the
 * rest (pre-chat answers, contact, account, earlier conversations, rating, attributes) once per
 * conversation. Attributes the host signed are marked verified; the page's own are not.
 */
export class ContextPanel extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      /* Beside the conversation, never instead of it: past a quarter of the screen the details scroll
         inside the panel (.scroll), while the presence line stays in sight. */
      :host { display: block; flex: none; border: 1px solid #e3e6ee; border-radius: 10px; padding: 10px 14px; background: #fbfcfe; margin: 8px 0; }
      details > summary { cursor: pointer; font-weight: 700; }
      h3 { font-size: 13px; margin: 12px 0 4px; color: #3d4455; text-transform: uppercase; letter-spacing: 0.03em; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
      dt { color: #5b6272; }
      dd { margin: 0; overflow-wrap: anywhere; }
      ol, ul { margin: 0; padding-left: 20px; }
      li { overflow-wrap: anywhere; }
      .presence { font-weight: 600; }
      .online { color: #13622f; }
      .verified { background: #dff3e6; color: #13622f; }
      .unverified { background: #fff4d6; color: #7a5300; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 0 24px; }
      .scroll { max-height: 24vh; overflow-y: auto; overscroll-behavior: contain; }
      .scroll:focus-visible { outline: 2px solid #2f5bea; outline-offset: 2px; }
      time { white-space: nowrap; }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    visitor: { attribute: false },
    context: { attribute: false },
    details: { state: true },
    failed: { state: true },
    tick: { state: true },
  };

  declare conversationId: string;
  declare visitor: VisitorPresence | null;
  declare context: VisitorContext | null;
  declare details: ConversationContext | null;
  declare failed: boolean;
  declare tick: number;

  private clock: ReturnType<typeof setInterval> | undefined;
  private loadedFor = "";

  constructor() {
    super();
    this.conversationId = "";
    this.visitor = null;
    this.context = null;
    this.details = null;
    this.failed = false;
    this.tick = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.clock = setInterval(() => this.tick++, CLOCK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  protected override willUpdate(): void {
    if (this.conversationId && this.conversationId !== this.loadedFor) void this.load(this.conversationId);
  }

  /** Read again when the thread changes status (a rating arrives with the end). */
  async reload(): Promise<void> {
    if (this.conversationId) await this.load(this.conversationId);
  }

  private async load(id: string): Promise<void> {
    this.loadedFor = id;
    try {
      const { context } = await requestJson<{ context: ConversationContext }>(`/api/console/conversations/${encodeURIComponent(id)}/context`);
      if (id !== this.conversationId) return;
      this.details = context;
      this.failed = false;
    } catch {
      if (id === this.conversationId) this.failed = true;
    }
  }

  private renderPresence() {
    const v = this.visitor;
    const page = this.context?.page;
    const where = page ? html` on <a href=${page.url} target="_blank" rel="noopener noreferrer">${page.title || shortUrl(page.url)}</a>` : nothing;
    if (v?.online) return html`<p class="presence online" aria-live="polite">Visitor online${where}</p>`;
    if (v?.leftAt) return html`<p class="presence muted" aria-live="polite">Visitor left ${ago(v.leftAt)}${page ? html`, last on ${page.title || shortUrl(page.url)}` : nothing}</p>`;
    return html`<p class="presence muted" aria-live="polite">Visitor not on the page</p>`;
  }

  private renderTrail() {
    const c = this.context;
    if (!c || c.trail.length === 0) return nothing;
    return html`<h3>Page trail</h3>
      <ol aria-label="Page trail">
        ${c.trail.map(
          (p) => html`<li><a href=${p.url} target="_blank" rel="noopener noreferrer">${p.title || shortUrl(p.url)}</a>
            <time class="muted">${formatDateTime(p.at)}</time></li>`,
        )}
      </ol>
      <dl>
        ${c.referrer ? html`<dt>Came from</dt><dd>${shortUrl(c.referrer)}</dd>` : nothing}
        ${c.language ? html`<dt>Language</dt><dd>${c.language}</dd>` : nothing}
        ${c.timeZone ? html`<dt>Time zone</dt><dd>${c.timeZone}</dd>` : nothing}
        ${c.device ? html`<dt>Device</dt><dd>${c.device}</dd>` : nothing}
      </dl>`;
  }

  private renderAttributes(title: string, list: CustomAttribute[]) {
    if (list.length === 0) return nothing;
    return html`<h3>${title}</h3>
      <dl>
        ${list.map(
          (a) => html`<dt>${a.key}</dt>
            <dd>${String(a.value)} <span class="chip ${a.verified ? "verified" : "unverified"}">${a.verified ? "verified" : "unverified"}</span></dd>`,
        )}
      </dl>`;
  }

  private renderDetails(d: ConversationContext) {
    return html`
      <div>
        <h3>Customer</h3>
        <dl>
          <dt>Contact</dt><dd>${d.contact.name} &lt;${d.contact.email}&gt;
            ${d.contact.externalId ? html`<span class="chip verified">signed in</span>` : d.contact.emailVerified ? nothing : html`<span class="chip unverified">email unverified</span>`}</dd>
          ${d.account ? html`<dt>Account</dt><dd>${d.account.name}</dd>` : nothing}
          ${d.requestId ? html`<dt>Request</dt><dd>${d.requestId}</dd>` : nothing}
          ${d.topic ? html`<dt>Topic</dt><dd>${d.topic}</dd>` : nothing}
          ${d.fields.map((f) => html`<dt>${f.label}</dt><dd>${f.value}</dd>`)}
          ${d.feedback
            ? html`<dt>Rating</dt><dd>${d.feedback.rating ? `${d.feedback.rating} / 5` : "—"}
                ${d.feedback.satisfied === null ? nothing : d.feedback.satisfied ? "· satisfied" : "· not satisfied"}
                ${d.feedback.comment ? html`<div class="muted">“${d.feedback.comment}”</div>` : nothing}</dd>`
            : nothing}
        </dl>
        ${this.renderAttributes("Contact attributes", d.attributes.contact)}
        ${this.renderAttributes("Conversation attributes", d.attributes.conversation)}
        ${d.previous.length
          ? html`<h3>Earlier conversations</h3>
              <ul aria-label="Earlier conversations">
                ${d.previous.map(
                  (p) => html`<li><a href="#view=inbox&c=${encodeURIComponent(p.id)}">${p.subject}</a>
                    <span class="muted">${formatDateTime(p.createdAt)} · ${p.status}</span></li>`,
                )}
              </ul>`
          : nothing}
      </div>
    `;
  }

  override render() {
    void this.tick;
    return html`<details open>
      <summary>Visitor context</summary>
      ${this.renderPresence()}
      <div class="scroll" tabindex="0" role="region" aria-label="Visitor context details">
        <div class="grid">
          <div>${this.renderTrail()}</div>
          ${this.details ? this.renderDetails(this.details) : this.failed ? html`<p class="error">Could not load the context.</p>` : nothing}
        </div>
      </div>
    </details>`;
  }
}

if (!customElements.get("parley-context-panel")) customElements.define("parley-context-panel", ContextPanel);
