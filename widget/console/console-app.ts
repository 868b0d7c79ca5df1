import { css, html, LitElement } from "lit";
import type { Agent } from "../../protocol/api";
import { requestJson } from "../lib/api";
import "./inbox-list";
import "./sign-in-form";
import "./thread-view";
import { consoleStyles } from "./styles";

export class ConsoleApp extends LitElement {
  static override styles = [
    consoleStyles,
    css`
      .shell { display: grid; grid-template-rows: auto 1fr; height: 100vh; }
      .top { display: flex; align-items: center; gap: 12px; padding: 10px 18px; background: #1d2330; color: #fff; }
      .top h1 { font-size: 16px; margin: 0; flex: 1; }
      main { display: grid; grid-template-columns: 320px 1fr; min-height: 0; }
      parley-sign-in { height: 100vh; }
    `,
  ];
  static override properties = { agent: { state: true }, selected: { state: true }, checked: { state: true } };
  declare agent: Agent | null;
  declare selected: string;
  declare checked: boolean;

  constructor() {
    super();
    this.agent = null;
    this.selected = new URLSearchParams(location.hash.slice(1)).get("c") ?? "";
    this.checked = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    requestJson<{ agent: Agent }>("/api/console/me")
      .then(({ agent }) => (this.agent = agent))
      .catch(() => (this.agent = null))
      .finally(() => (this.checked = true));
  }

  private select(id: string): void {
    this.selected = id;
    history.replaceState(null, "", `#c=${encodeURIComponent(id)}`);
  }

  private async signOut(): Promise<void> {
    await requestJson("/api/console/session", { method: "DELETE" }).catch(() => undefined);
    this.agent = null;
  }

  override render() {
    if (!this.checked) return html``;
    if (!this.agent) {
      return html`<parley-sign-in @signed-in=${(e: CustomEvent<Agent>) => (this.agent = e.detail)}></parley-sign-in>`;
    }
    return html`
      <div class="shell">
        <div class="top">
          <h1>Parley</h1>
          <span>${this.agent.name}</span>
          <button class="secondary" @click=${this.signOut}>Sign out</button>
        </div>
        <main @signed-out=${() => (this.agent = null)}>
          <parley-inbox .selected=${this.selected} @select-conversation=${(e: CustomEvent<string>) => this.select(e.detail)}></parley-inbox>
          <parley-thread .conversationId=${this.selected}></parley-thread>
        </main>
      </div>
    `;
  }
}

customElements.define("parley-console", ConsoleApp);
