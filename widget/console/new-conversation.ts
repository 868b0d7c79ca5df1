import { css, html, LitElement, nothing } from "lit";
import type { Agent } from "../../protocol/api";
import type { Attention, WorkspaceAgent } from "../../protocol/console";
import type { ConsoleChannel } from "../../protocol/lobby";
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH } from "../../protocol/limits";
import { RequestError } from "../lib/api";
import { newClientId } from "../lib/client-id";
import { consoleApi } from "./console-api";
import { consoleStyles } from "./styles";

/**
 * "New conversation": the agent writes to a customer first (subject, message, status, responsible
 * agent, files on the first message, and "Notify administrators" with a note for them).
 */
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
      textarea.note { min-height: 60px; }
      label.check { display: flex; gap: 8px; align-items: center; font-weight: 600; font-size: 13px; }
      label.check input { width: auto; }
    `,
  ];
  static override properties = {
    channels: { attribute: false },
    agents: { attribute: false },
    me: { attribute: false },
    error: { state: true },
    busy: { state: true },
    notify: { state: true },
  };
  declare channels: ConsoleChannel[];
  declare agents: WorkspaceAgent[];
  declare me: Agent | null;
  declare error: string;
  declare busy: boolean;
  declare notify: boolean;
  /** One id per attempt, so a retried submit cannot start the thread twice. */
  private clientId = newClientId();

  constructor() {
    super();
    this.channels = [];
    this.agents = [];
    this.me = null;
    this.error = "";
    this.busy = false;
    this.notify = false;
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
        notifyAdmins: this.notify ? { note: field("note") } : undefined,
      });
      this.clientId = newClientId();
      // The thread exists now: its files follow the first message, and one that fails is said, not lost silently.
      const files = data.getAll("files").filter((f): f is File => f instanceof File && f.size > 0);
      const failed: string[] = [];
      for (const file of files) await consoleApi.upload(conversation.id, file).catch(() => failed.push(file.name));
      form.reset();
      this.notify = false;
      // Left open to say which files are missing; the thread itself is already open behind it.
      if (failed.length) this.error = `The conversation started, but these files could not be attached: ${failed.join(", ")}. Attach them in the thread.`;
      else this.close();
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
        <label class="field">Attachments <input type="file" name="files" multiple /></label>
        <label class="check">
          <input type="checkbox" .checked=${this.notify} @change=${(e: Event) => (this.notify = (e.target as HTMLInputElement).checked)} />
          Notify administrators
        </label>
        ${this.notify
          ? html`<label class="field">Note for the administrators (optional) <textarea class="note" name="note" maxlength="1000"></textarea></label>`
          : nothing}
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
