import { LitElement, type PropertyValues } from "lit";
import type { VisitorSession } from "./session";

/** A part of the open widget: it shows the session and re-renders whenever the session changes. */
export class SessionView extends LitElement {
  static override properties = { session: { attribute: false } };
  declare session: VisitorSession;

  private readonly onChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.session?.addEventListener("change", this.onChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session?.removeEventListener("change", this.onChange);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("session")) return;
    (changed.get("session") as VisitorSession | undefined)?.removeEventListener("change", this.onChange);
    this.session.addEventListener("change", this.onChange);
  }

  /**
   * Moves focus to where the visitor starts in this view: its `data-autofocus` element, else its
   * first control (a selector list matches in document order, so the marked one is asked for first).
   */
  async focusFirst(): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot;
    (root.querySelector<HTMLElement>("[data-autofocus]") ?? root.querySelector<HTMLElement>("input:not([type=file]), select, textarea, button"))?.focus();
  }
}

/** Defines a custom element once, however many copies of the widget a page loads. */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
