import { css, html, LitElement } from "lit";
import { adminStyles } from "./admin-styles";
import { copyText } from "./copy-text";

/** The two lines a site owner pastes into their page to get this channel's widget. */
export function embedSnippet(origin: string, channelKey: string): string {
  return `<script type="module" src="${origin}/widget.js"></script>\n<parley-chat channel="${channelKey}"></parley-chat>`;
}

export class EmbedSnippet extends LitElement {
  static override styles = [adminStyles, css`.top { display: flex; justify-content: space-between; align-items: center; gap: 12px; margin-bottom: 8px; }`];
  static override properties = { channelKey: { type: String, attribute: "channel-key" }, status: { state: true } };
  declare channelKey: string;
  declare status: string;

  constructor() {
    super();
    this.channelKey = "";
    this.status = "";
  }

  private async copy(): Promise<void> {
    const copied = await copyText(embedSnippet(location.origin, this.channelKey));
    this.status = copied ? "Copied." : "Copying is blocked here: select the snippet and press Ctrl+C (⌘C on a Mac).";
  }

  override render() {
    return html`
      <div class="top">
        <h3 id="embed-title">Embed snippet</h3>
        <button class="secondary" type="button" @click=${this.copy}>Copy</button>
      </div>
      <pre aria-labelledby="embed-title" tabindex="0"><code>${embedSnippet(location.origin, this.channelKey)}</code></pre>
      <p class="hint">Paste it into any page of an allowed origin. <span role="status">${this.status}</span></p>
    `;
  }
}

customElements.define("parley-admin-embed-snippet", EmbedSnippet);
