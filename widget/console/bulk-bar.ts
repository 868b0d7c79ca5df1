import { css, html, LitElement } from "lit";
import type { BulkAction, BulkResult } from "../../protocol/bulk-actions";
import type { Attention, InboxConversation, WorkspaceAgent } from "../../protocol/console";
import type { Label } from "../../protocol/labels";
import { RequestError } from "../lib/api";
import { consoleApi } from "./console-api";
import { consoleStyles } from "./styles";
import { ATTENTION_LABEL } from "./words";

/** The Label… list's values: "label:<id>" adds the label, "unlabel:<id>" takes it off. */
const labelAction = (value: string): BulkAction => {
  const [type, labelId = ""] = value.split(":");
  return { type: type === "unlabel" ? "unlabel" : "label", labelId };
};

const DONE: Record<BulkAction["type"], string> = {
  archive: "archived",
  unarchive: "unarchived",
  attention: "marked",
  assign: "assigned",
  label: "labelled",
  unlabel: "unlabelled",
  notify_admins: "sent to administrators",
};

/** "2 of 3 archived. Not done: Refund (conversation not found)." */
export function describeResult(action: BulkAction, result: BulkResult): string {
  const total = result.succeeded + result.failed.length;
  const what = action.type === "attention" ? `marked ${ATTENTION_LABEL[action.attention]}` : DONE[action.type];
  const head = `${result.succeeded} of ${total} ${what}.`;
  if (result.failed.length === 0) return head;
  return `${head} Not done: ${result.failed.map((f) => `${f.subject ?? f.conversationId} (${f.message})`).join("; ")}.`;
}

/**
 * The actions on the conversations ticked in the inbox. Fires `bulk-done` (bubbling, composed;
 * `detail` is the server's result) after each action, so the list can refresh.
 */
export class BulkBar extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; padding: 8px 12px; background: #eef2ff; border-bottom: 1px solid #d3dcf7; }
      [role="toolbar"] { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
      .count { font-weight: 700; margin-right: 4px; }
      button, select { font-size: 13px; }
      .secondary { padding: 4px 10px; }
      /* Sized by their prompt, not by the longest agent or label name in them. */
      select { padding: 4px 6px; max-width: 9.5em; }
      .result { margin: 6px 0 0; font-size: 13px; }
    `,
  ];
  static override properties = {
    selected: { attribute: false },
    agents: { attribute: false },
    labels: { attribute: false },
    busy: { state: true },
    result: { state: true },
    failed: { state: true },
  };
  declare selected: InboxConversation[];
  declare agents: WorkspaceAgent[];
  declare labels: Label[];
  declare busy: boolean;
  declare result: string;
  declare failed: boolean;

  constructor() {
    super();
    this.selected = [];
    this.agents = [];
    this.labels = [];
    this.busy = false;
    this.result = "";
    this.failed = false;
  }

  /** Runs one action on every selected conversation and says how it went. */
  async run(action: BulkAction): Promise<void> {
    if (this.selected.length === 0 || this.busy) return;
    this.busy = true;
    this.result = "";
    try {
      const result = await consoleApi.bulk(
        this.selected.map((c) => c.id),
        action,
      );
      this.failed = result.failed.length > 0;
      this.result = describeResult(action, result);
      this.dispatchEvent(new CustomEvent<BulkResult>("bulk-done", { detail: result, bubbles: true, composed: true }));
    } catch (err) {
      this.failed = true;
      this.result = err instanceof RequestError ? err.message : "Could not reach the server. Nothing was changed.";
    } finally {
      this.busy = false;
    }
  }

  private choose(e: Event, make: (value: string) => BulkAction): void {
    const select = e.target as HTMLSelectElement;
    const value = select.value;
    select.selectedIndex = 0;
    if (value) void this.run(make(value));
  }

  private notify(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const note = String(new FormData(form).get("note") ?? "");
    this.renderRoot.querySelector("dialog")?.close();
    form.reset();
    void this.run({ type: "notify_admins", note });
  }

  override render() {
    const n = this.selected.length;
    const off = this.busy || n === 0;
    return html`
      <div role="toolbar" aria-label="Selected conversations">
        <span class="count">${n} selected</span>
        <button class="secondary" type="button" ?disabled=${off} @click=${() => this.run({ type: "archive" })}>Archive</button>
        <button class="secondary" type="button" ?disabled=${off} @click=${() => this.run({ type: "unarchive" })}>Unarchive</button>
        <select aria-label="Set status of selected" ?disabled=${off} @change=${(e: Event) => this.choose(e, (value) => ({ type: "attention", attention: value as Attention }))}>
          <option value="">Status…</option>
          <option value="attentive">${ATTENTION_LABEL.attentive}</option>
          <option value="answered">${ATTENTION_LABEL.answered}</option>
        </select>
        <select aria-label="Assign selected to" ?disabled=${off} @change=${(e: Event) => this.choose(e, (agentId) => ({ type: "assign", agentId }))}>
          <option value="">Assign…</option>
          ${this.agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
        </select>
        <select aria-label="Labels of selected" ?disabled=${off || this.labels.length === 0} @change=${(e: Event) => this.choose(e, labelAction)}>
          <option value="">Label…</option>
          <optgroup label="Add">${this.labels.map((l) => html`<option value="label:${l.id}">${l.name}</option>`)}</optgroup>
          <optgroup label="Remove">${this.labels.map((l) => html`<option value="unlabel:${l.id}">${l.name}</option>`)}</optgroup>
        </select>
        <button class="secondary" type="button" ?disabled=${off} @click=${() => this.renderRoot.querySelector("dialog")?.showModal()}>Notify administrators</button>
        <button class="link" type="button" @click=${() => this.dispatchEvent(new CustomEvent("clear-selection", { bubbles: true, composed: true }))}>Clear selection</button>
      </div>
      <p class="result ${this.failed ? "error" : ""}" role="status">${this.result}</p>
      <dialog aria-labelledby="bulk-notify-title">
        <form @submit=${this.notify}>
          <h2 id="bulk-notify-title">Notify administrators about ${n} conversation${n === 1 ? "" : "s"}</h2>
          <p class="muted">Every administrator gets one email and one console notification per conversation.</p>
          <label class="field">Note (optional) <textarea name="note" maxlength="1000" rows="3"></textarea></label>
          <div class="dialog-actions">
            <button class="secondary" type="button" @click=${() => this.renderRoot.querySelector("dialog")?.close()}>Cancel</button>
            <button class="primary" type="submit">Perform action</button>
          </div>
        </form>
      </dialog>
    `;
  }
}

if (!customElements.get("parley-bulk-bar")) customElements.define("parley-bulk-bar", BulkBar);
