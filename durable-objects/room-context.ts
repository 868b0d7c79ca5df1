import type { VisitorContextSettings } from "../protocol/channel";
import type { PageFrame, VisitorContext, VisitorPage } from "../protocol/frames";
import { LIMITS } from "../protocol/limits";

/**
 * Where the room's visitor has been: the page now and the trail since the chat began, with what
 * the browser said of itself. One JSON row in the room's SQLite (at most `trailPages` bounded
 * pages, so well under a row's limit), mirrored in memory since the room is its only writer.
 *
 * @example
 * if (context.settings().enabled && context.record(frame, Date.now())) pushToAgents(context.get());
 */
export class RoomContext {
  private current: VisitorContext | null = null;
  private cachedSettings: VisitorContextSettings | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS visitor_context (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS visitor_context_settings (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
    `);
  }

  /** The channel's choice, copied when the conversation starts; idempotent like the room's init. */
  configure(settings: VisitorContextSettings): void {
    this.sql.exec("INSERT INTO visitor_context_settings (id, json) VALUES (1, ?) ON CONFLICT DO NOTHING", JSON.stringify(settings));
    this.cachedSettings = null;
  }

  settings(): VisitorContextSettings {
    if (!this.cachedSettings) {
      const row = this.sql.exec<{ json: string }>("SELECT json FROM visitor_context_settings WHERE id = 1").toArray()[0];
      this.cachedSettings = row ? (JSON.parse(row.json) as VisitorContextSettings) : { enabled: true, stripQuery: false };
    }
    return this.cachedSettings;
  }

  get(): VisitorContext {
    if (!this.current) {
      const row = this.sql.exec<{ json: string }>("SELECT json FROM visitor_context WHERE id = 1").toArray()[0];
      this.current = row ? (JSON.parse(row.json) as VisitorContext) : EMPTY;
    }
    return this.current;
  }

  /**
   * Takes one page report. A report of the page the visitor is already on (a reload, a second tab)
   * updates its title and adds nothing to the trail. Returns whether anything changed.
   */
  record(frame: PageFrame, at: number): boolean {
    const options = this.settings();
    const before = this.get();
    const url = options.stripQuery ? withoutQuery(frame.url) : frame.url;
    const page: VisitorPage = { url, title: frame.title, at };
    const same = before.page?.url === url;
    const trail = same
      ? before.trail.map((p, i) => (i === before.trail.length - 1 ? { ...p, title: frame.title } : p))
      : [...before.trail, page].slice(-LIMITS.visitorContext.trailPages);
    const next: VisitorContext = {
      page: same && before.page ? { ...before.page, title: frame.title } : page,
      trail,
      // The first page's referrer is where the visitor came from; later ones are the site's own.
      referrer: before.referrer ?? (frame.referrer ? (options.stripQuery ? withoutQuery(frame.referrer) : frame.referrer) : null),
      language: frame.language ?? before.language,
      timeZone: frame.timeZone ?? before.timeZone,
      device: frame.device ?? before.device,
    };
    if (JSON.stringify(next) === JSON.stringify(before)) return false;
    this.sql.exec("INSERT OR REPLACE INTO visitor_context (id, json) VALUES (1, ?)", JSON.stringify(next));
    this.current = next;
    return true;
  }
}

const EMPTY: VisitorContext = { page: null, trail: [], referrer: null, language: null, timeZone: null, device: null };

/** Query strings and fragments carry tokens, emails and search terms: a private channel never keeps them. */
export function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    u.search = "";
    u.hash = "";
    return u.toString();
  } catch {
    return url;
  }
}
