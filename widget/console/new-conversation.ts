import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../protocol/api";
import type { Attention, WorkspaceAgent } from "../../protocol/console";
import type { ConsoleChannel } from "../../protocol/lobby";
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH } from "../../protocol/limits";
import { RequestError } from "../lib/api";
import { newClientId } from "../lib/client-id";
import { consoleApi } from "./console-api";
import { consoleStyles } from "./styles";

/** "New conversation": the agent writes to a customer first (subject, message, status, responsible agent). */
export class NewConversation extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: contents; }
      dialog { max-width: 560px; }
      .two { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
      form > *, .two > * { min-width: 0; }
      input, select, textarea { width: 100%; }
      textarea { min-height: 110px; resize: vertical; }
    `,
  ];
  static override properties = {
    channels: { attribute: false },
    agents: { attribute: false },
    me: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };
  declare channels: ConsoleChannel[];
  declare agents: WorkspaceAgent[];
  declare me: Agent | null;
  declare error: string;
  declare busy: boolean;
  /** One id per attempt, so a retried submit cannot start the thread twice. */
  private clientId = newClientId();

  constructor() {
    super();
    this.channels = [];
    this.agents = [];
    this.me = null;
    this.error = "";
    this.busy = false;
  }

  open(): void {
    this.error = "";
    this.renderRoot.querySelector("dialog")?.showModal();
  }

  private close(): void {
    this.renderRoot.querySelector("dialog")?.close();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? "");
    this.busy = true;
    this.error = "";
    try {
      const { conversation } = await consoleApi.start({
        channelId: field("channel"),
        contact: { name: field("name"), email: field("email") },
        subject: field("subject"),
        message: { clientId: this.clientId, body: field("message") },
        attention: field("attention") as Attention,
        responsibleAgentId: field("agent") || undefined,
      });
      this.clientId = newClientId();
      form.reset();
      this.close();
      this.dispatchEvent(new CustomEvent<string>("conversation-started", { detail: conversation.id, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof RequestError ? err.message : "Could not reach the server. Try again.";
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<dialog aria-labelledby="new-title">
      <form @submit=${this.submit}>
        <h2 id="new-title">New conversation</h2>
        ${this.channels.length > 1
          ? html`<label class="field">
              Channel
              <select name="channel" required>
                ${this.channels.map((ch) => html`<option value=${ch.id}>${ch.name}</option>`)}
              </select>
            </label>`
          : html`<input type="hidden" name="channel" .value=${this.channels[0]?.id ?? ""} />`}
        <div class="two">
          <label class="field">Customer name <input name="name" required maxlength="120" autocomplete="off" /></label>
          <label class="field">Customer email <input name="email" type="email" required maxlength="254" autocomplete="off" /></label>
        </div>
        <label class="field">Subject <input name="subject" required maxlength=${MAX_SUBJECT_LENGTH} /></label>
        <label class="field">First message <textarea name="message" required maxlength=${MAX_MESSAGE_LENGTH}></textarea></label>
        <div class="two">
          <label class="field">
            Status
            <select name="attention">
              <option value="attentive">Attentive (needs the customer's reply)</option>
              <option value="answered">Answered</option>
            </select>
          </label>
          <label class="field">
            Responsible agent
            <select name="agent">
              ${this.agents.map((a) => html`<option value=${a.id} ?selected=${a.id === this.me?.id}>${a.name}</option>`)}
            </select>
          </label>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="dialog-actions">
          <button class="secondary" type="button" @click=${this.close}>Cancel</button>
          <button class="primary" type="submit" ?disabled=${this.busy || this.channels.length === 0}>Start conversation</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define("parley-new-conversation", NewConversation);
