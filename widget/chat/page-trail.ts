import type { VisitorContextSettings } from "../../protocol/channel";
import type { DeviceClass, PageFrame } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";

/**
 * Reports the page the visitor is on to the conversation's room: once when the chat part starts
 * (and after each reconnect), and on every single-page-app navigation (History API pushState,
 * replaceState, back/forward, hash links). Loaded with the chat, never with the launcher; every
 * step is cheap, synchronous-free for the host and wrapped so that a failure here never reaches
 * the host page.
 *
 * @example
 * const trail = new PageTrail((frame) => socket.control(frame), channel.visitorContext);
 * trail.start(); // ... trail.stop() when the conversation closes
 */

/** The History API is wrapped once per page; each trail listens for this event. */
const NAVIGATED = "parley:navigated";
/** SPAs set the new title just after they push the URL; wait for it. */
const SETTLE_MS = 250;

let historyWrapped = false;
function wrapHistory(): void {
  if (historyWrapped) return;
  historyWrapped = true;
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      const result = original.apply(this, args);
      try {
        window.dispatchEvent(new Event(NAVIGATED));
      } catch {
        // Never let the report break the host's navigation.
      }
      return result;
    };
  }
}

function deviceClass(): DeviceClass {
  const touch = navigator.maxTouchPoints > 0;
  const shortSide = Math.min(screen.width, screen.height);
  return touch && shortSide < 600 ? "mobile" : touch && shortSide < 1100 ? "tablet" : "desktop";
}

function bounded(url: string, stripQuery: boolean): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    if (stripQuery || u.href.length > LIMITS.visitorContext.urlLength) {
      u.search = "";
      u.hash = "";
    }
    return u.href.length > LIMITS.visitorContext.urlLength ? u.origin + "/" : u.href;
  } catch {
    return null;
  }
}

export class PageTrail {
  private lastSent = "";
  private settle: ReturnType<typeof setTimeout> | undefined;
  private readonly onNavigate = () => {
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.report(), SETTLE_MS);
  };

  constructor(
    private readonly send: (frame: PageFrame) => boolean,
    private readonly settings: VisitorContextSettings,
  ) {}

  start(): void {
    if (!this.settings.enabled) return;
    try {
      wrapHistory();
      window.addEventListener(NAVIGATED, this.onNavigate);
      window.addEventListener("popstate", this.onNavigate);
      window.addEventListener("hashchange", this.onNavigate);
    } catch {
      // A host that froze `history` still gets the first page reported.
    }
    this.report();
  }

  /** After a reconnect the room may not have heard of the page: say it again (it ignores repeats). */
  resend(): void {
    this.lastSent = "";
    this.report();
  }

  stop(): void {
    clearTimeout(this.settle);
    window.removeEventListener(NAVIGATED, this.onNavigate);
    window.removeEventListener("popstate", this.onNavigate);
    window.removeEventListener("hashchange", this.onNavigate);
  }

  private report(): void {
    if (!this.settings.enabled) return;
    const url = bounded(location.href, this.settings.stripQuery);
    if (!url) return;
    const title = document.title.slice(0, LIMITS.visitorContext.titleLength);
    const key = `${url}\n${title}`;
    if (key === this.lastSent) return;
    const referrer = bounded(document.referrer, this.settings.stripQuery) ?? "";
    const frame: PageFrame = {
      type: "page",
      url,
      title,
      referrer,
      language: navigator.language.slice(0, LIMITS.visitorContext.languageLength),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone.slice(0, LIMITS.visitorContext.timeZoneLength),
      device: deviceClass(),
    };
    if (this.send(frame)) this.lastSent = key;
  }
}
