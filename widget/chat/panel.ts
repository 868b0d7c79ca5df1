import { css, html, nothing } from "lit";
import "./chat-view";
import "./closed-view";
import "./contact-form";
import "./end-form";
import { define, SessionView } from "./session-view";
import "./threads-list";
import { viewStyles } from "./view-styles";

type View = "loading" | "failed" | "threads" | "chat" | "end" | "prechat" | "closed";

/**
 * The open widget: a header and whichever step of the journey the visitor is at. Loaded only
 * when the chat is first opened.
 */
export class ParleyPanel extends SessionView {
  static override styles = [
    viewStyles,
    css`
      :host {
        display: block;
      }
      /*
       * --parley-visible-height is the visual viewport (what the on-screen keyboard leaves), set
       * from window.visualViewport; dvh is the fallback where it is missing.
       */
      .panel {
        width: min(380px, calc(100vw - 40px));
        height: min(620px, calc(var(--parley-visible-height, 100dvh) - 110px));
        display: flex;
        flex-direction: column;
        background: var(--parley-background, #fff);
        border-radius: 16px;
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
        overflow: hidden;
      }
      header {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 14px 16px;
        padding-top: max(14px, env(safe-area-inset-top));
        background: var(--accent);
        color: var(--accent-text);
      }
      .heading {
        flex: 1;
        min-width: 0;
      }
      h2 {
        margin: 0;
        font-size: 17px;
      }
      .sub {
        font-size: 13px;
        opacity: 0.9;
      }
      header button {
        border: 1px solid rgb(255 255 255 / 0.6);
        border-radius: 8px;
        padding: 6px 10px;
        background: none;
        color: inherit;
        font-size: 13px;
        font-weight: 600;
        white-space: nowrap;
      }
      header .back {
        border: 0;
        padding: 6px;
        font-size: 18px;
        line-height: 1;
      }
      /* Full screen on a phone covers the launcher, so the panel brings its own close button. */
      header .close {
        display: none;
        border: 0;
        padding: 6px;
      }
      .body {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
        overflow-y: auto;
      }
      .body > * {
        flex: 1;
        min-height: 0;
      }
      .center {
        margin: auto;
        padding: 24px;
        text-align: center;
        display: flex;
        flex-direction: column;
        gap: 12px;
        align-items: center;
      }
      .spinner {
        width: 28px;
        height: 28px;
        border-radius: 50%;
        border: 3px solid var(--surface);
        border-top-color: var(--accent);
        animation: spin 0.8s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (max-width: 480px) {
        /* Pinned to the visible area, so that the keyboard pushes the composer up instead of covering it. */
        .panel {
          position: fixed;
          top: var(--parley-visible-top, 0px);
          left: 0;
          right: 0;
          width: auto;
          height: var(--parley-visible-height, 100dvh);
          border-radius: 0;
          padding-left: env(safe-area-inset-left);
          padding-right: env(safe-area-inset-right);
        }
        header .close {
          display: grid;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation-duration: 3s;
        }
      }
    `,
  ];

  private shownView: View | null = null;
  /** The visitor has tapped or typed in the panel since it opened. */
  private touched = false;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onVisibility);
    window.visualViewport?.addEventListener("resize", this.onViewport);
    window.visualViewport?.addEventListener("scroll", this.onViewport);
    this.onViewport();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.visualViewport?.removeEventListener("resize", this.onViewport);
    window.visualViewport?.removeEventListener("scroll", this.onViewport);
    this.session.setViewing(false);
  }

  private readonly onVisibility = () => this.requestUpdate();

  /**
   * The on-screen keyboard shrinks the visual viewport but, on iOS, not the layout one that
   * `position: fixed` and `vh` follow: the panel takes the visible part's height and top itself.
   */
  private readonly onViewport = () => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    this.style.setProperty("--parley-visible-height", `${viewport.height}px`);
    this.style.setProperty("--parley-visible-top", `${viewport.offsetTop}px`);
  };

  private get view(): View {
    const s = this.session;
    if (!s.loaded) return s.loadFailed ? "failed" : "loading";
    if (s.showingThreads) return "threads";
    if (s.current) return s.current.status === "ended" && s.channel?.endForm.enabled ? "end" : "chat";
    return s.channel?.availability.available ? "prechat" : "closed";
  }

  protected override updated(): void {
    const view = this.view;
    const viewing = view === "chat" && document.visibilityState === "visible";
    this.session.setViewing(viewing);
    if (view === this.shownView) return;
    this.shownView = view;
    // A new step: put the keyboard (and the screen reader) where that step begins. On a touch
    // screen, until the visitor has touched the panel, only the panel itself: focusing a text
    // field would pop the keyboard up over a chat they have just opened.
    if (TOUCH.matches && !this.touched) {
      this.renderRoot.querySelector<HTMLElement>(".panel")?.focus();
      return;
    }
    const step = this.renderRoot.querySelector(".body > *") as SessionView | null;
    void step?.focusFirst?.();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    this.requestClose();
  }

  private requestClose(): void {
    this.dispatchEvent(new CustomEvent("parley-close-request"));
  }

  override render() {
    const s = this.session;
    const t = s.t.bind(s);
    const view = this.view;
    const c = s.current;
    const live = c && (c.status === "queued" || c.status === "active");
    return html`
      <section class="panel" part="panel" role="dialog" aria-labelledby="title" tabindex="-1" @keydown=${this.onKey}
        @pointerdown=${() => (this.touched = true)}>
        <header part="header">
          ${view !== "threads" && view !== "loading" && view !== "failed" && s.threads.length
            ? html`<button class="back" type="button" aria-label=${t("threads")} title=${t("threads")} @click=${() => s.showThreads()}>
                <span aria-hidden="true">☰</span>
              </button>`
            : nothing}
          <div class="heading">
            <h2 id="title">${t("title")}</h2>
            <p class="sub" role="status">${this.subtitle(view)}</p>
          </div>
          ${live && view === "chat" ? html`<button type="button" @click=${() => c.end()}>${t("endChat")}</button>` : nothing}
          <button class="close" type="button" aria-label=${t("closeChat")} @click=${this.requestClose}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </header>
        <div class="body">${this.renderBody(view)}</div>
      </section>
    `;
  }

  private subtitle(view: View): string {
    const s = this.session;
    const c = s.current;
    if (view === "threads") return s.t("threads");
    if (view !== "chat" || !c) return "";
    if (c.connection === "connecting" && c.status === null) return s.t("connecting");
    if (c.status === "queued") return c.queuePosition ? `${s.t("waiting")} ${s.t("queuePosition", { position: c.queuePosition })}` : s.t("waiting");
    if (c.status === "active" && c.agent) return s.t("chattingWith", { name: c.agent.name });
    return "";
  }

  private renderBody(view: View) {
    const s = this.session;
    switch (view) {
      case "loading":
        return html`<div class="center" role="status" aria-label=${s.t("loading")}><div class="spinner"></div></div>`;
      case "failed":
        return html`<div class="center">
          <p role="alert">${s.t("loadFailed")}</p>
          <button class="primary" type="button" @click=${() => s.load()}>${s.t("retry")}</button>
        </div>`;
      case "threads":
        return html`<parley-threads-list .session=${s}></parley-threads-list>`;
      case "chat":
        return html`<parley-chat-view exportparts="log, composer" .session=${s}></parley-chat-view>`;
      case "end":
        return html`<parley-end-form .session=${s}></parley-end-form>`;
      case "prechat":
        return html`<parley-contact-form .session=${s} purpose="chat"></parley-contact-form>`;
      case "closed":
        return html`<parley-closed-view .session=${s}></parley-closed-view>`;
    }
  }
}

/** A device whose main pointer is a finger: focusing a text field there opens the keyboard. */
const TOUCH = matchMedia("(pointer: coarse)");

define("parley-panel", ParleyPanel);
