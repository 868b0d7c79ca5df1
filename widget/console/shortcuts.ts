import type { ReactiveController, ReactiveControllerHost } from "lit";

/** The console's keyboard map: one entry per shortcut, each also a visible control (named in `control`). */
export const SHORTCUTS = [
  { key: "j", action: "next", what: "Next conversation in the list", control: "the list's rows" },
  { key: "k", action: "previous", what: "Previous conversation in the list", control: "the list's rows" },
  { key: "Enter", action: "open", what: "Open the conversation j or k moved to", control: "a row's subject" },
  { key: "r", action: "reply", what: "Write a reply", control: "the Message box" },
  { key: "n", action: "note", what: "Write a private note", control: "the composer's Private note switch" },
  { key: "e", action: "archive", what: "Archive the open conversation", control: "Archive" },
  { key: "l", action: "label", what: "Label the open conversation", control: "Labels" },
  { key: "a", action: "assign", what: "Choose the responsible agent", control: "Responsible agent" },
  { key: "/", action: "search", what: "Search conversations (outside the composer)", control: "Search" },
  { key: "w", action: "accept", what: "Accept the first waiting chat", control: "Accept in the chat queue" },
  { key: "?", action: "help", what: "Show these shortcuts", control: "Keyboard shortcuts" },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]["action"];

const TEXT_INPUTS = new Set(["text", "search", "email", "password", "tel", "url", "number", "date", "datetime-local", "month", "time", "week"]);

/** Whether a key goes to a field: letters typed there are text, never shortcuts. */
export function isTyping(e: Event): boolean {
  const el = e.composedPath()[0];
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && TEXT_INPUTS.has(el.type);
}

/** Enter on a button, link or box already does what that control does; only Enter on nothing in particular is ours. */
function onControl(e: Event): boolean {
  const el = e.composedPath()[0];
  return el instanceof HTMLElement && el.matches("button, a, input, select, textarea, summary, [role], [tabindex]");
}

/**
 * Listens on the window and runs the host's handler for each shortcut. Nothing fires while the
 * agent types in a field, holds Ctrl, ⌘ or Alt, or has a dialog open: those keys are theirs.
 */
export class ShortcutController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly run: (action: ShortcutAction) => boolean | void,
    private readonly active: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener("keydown", this.onKey);
  }

  hostDisconnected(): void {
    removeEventListener("keydown", this.onKey);
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat || !this.active() || isTyping(e)) return;
    if (e.composedPath().some((n) => n instanceof HTMLDialogElement && n.open)) return;
    const shortcut = SHORTCUTS.find((s) => s.key === e.key);
    if (!shortcut || (shortcut.key === "Enter" && onControl(e))) return;
    if (this.run(shortcut.action) !== false) e.preventDefault();
  };
}
