import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { AgentRef } from "../../protocol/frames";

/** A typing frame that is not renewed within this long has lost its "stopped" frame. */
const TYPING_SHOWN_MS = 6000;
/** A reply sent within this long of a colleague's last keystroke on a reply may cross theirs. */
const CROSSING_MS = 8000;

type Typing = { name: string; note: boolean; at: number };

/**
 * Collision detection in a thread: which other agents have it open (the room's `viewers` frame)
 * and which of them are typing a reply or a note (its `typing` frames), live, for the thread's
 * header and the line above the composer. A reactive controller, so the host redraws as they change.
 *
 * @example
 * const colleagues = new Colleagues(this, () => this.me?.id);
 * colleagues.viewers([{ id: "ag_2", name: "Sam" }]); colleagues.typing({ id: "ag_2", name: "Sam" }, true, false);
 * colleagues.typingLine() // "Sam is typing a reply…"
 */
export class Colleagues implements ReactiveController {
  private others: AgentRef[] = [];
  private readonly typists = new Map<string, Typing>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly me: () => string | undefined,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.clear();
  }

  /** Forgets everyone: another thread was opened. */
  clear(): void {
    this.others = [];
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.typists.clear();
    this.host.requestUpdate();
  }

  viewers(agents: AgentRef[]): void {
    this.others = agents.filter((a) => a.id !== this.me());
    // Whoever closed the thread is typing no more.
    for (const id of this.typists.keys()) if (!this.others.some((a) => a.id === id)) this.stop(id);
    this.host.requestUpdate();
  }

  typing(author: AgentRef, active: boolean, note: boolean): void {
    if (author.id === this.me()) return;
    if (!active) return this.stop(author.id);
    this.typists.set(author.id, { name: author.name, note, at: Date.now() });
    clearTimeout(this.timers.get(author.id));
    this.timers.set(author.id, setTimeout(() => this.stop(author.id), TYPING_SHOWN_MS));
    this.host.requestUpdate();
  }

  /** The other agents on the thread now. */
  get viewing(): AgentRef[] {
    return this.others;
  }

  /** "Sam is typing a reply…", "Sam is writing a note…", or "" when nobody is. */
  typingLine(): string {
    return [...this.typists.values()].map((t) => `${t.name} is ${t.note ? "writing a note" : "typing a reply"}…`).join(" ");
  }

  /** The colleagues who were typing a reply just now: a reply sent meanwhile may cross theirs. */
  crossing(): string[] {
    const since = Date.now() - CROSSING_MS;
    return [...this.typists.values()].filter((t) => !t.note && t.at >= since).map((t) => t.name);
  }

  private stop(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (this.typists.delete(id)) this.host.requestUpdate();
  }
}
