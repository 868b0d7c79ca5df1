import { lobbySettings, type AgentLoad, type AgentRouting, type LobbySettings } from "../protocol/lobby";
import { LIMITS } from "../protocol/limits";

/**
 * The lobby's routing state, in its own SQLite so that an eviction or a crash mid-offer loses
 * nothing: the offer and its expiry are written in the same synchronous step as the choice, and
 * the lobby's alarm, armed at the earliest expiry, moves it on whether or not this instance lives.
 * Holds the channel's settings, each agent's capacity and pause, the live chats (accepted, not
 * ended) that make an agent's load, the open offers, and who already passed on a waiting chat.
 * Every method is synchronous, like LobbyStore's, so a choice and its write cannot interleave.
 */
export type Offer = { conversationId: string; agentId: string; expiresAt: number };

const DEFAULT_SETTINGS: LobbySettings = {
  workspaceId: "",
  routing: { mode: "manual", offerSeconds: 30 },
  targets: { waitSeconds: null, firstResponseSeconds: null },
  openingHours: null,
  notificationEmail: null,
};

export class LobbyOffers {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS routing_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        settings TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS agent_routing (
        agent_id TEXT PRIMARY KEY,
        capacity INTEGER NOT NULL,
        paused INTEGER NOT NULL
      );
      -- Chats this channel's agents hold now: an agent's load. Written at the accept, gone at the end.
      CREATE TABLE IF NOT EXISTS live (
        conversation_id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS live_agent ON live(agent_id);
      -- One open offer per waiting chat.
      CREATE TABLE IF NOT EXISTS offers (
        conversation_id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      -- Agents who declined or let an offer run out: not offered that chat again while it waits.
      CREATE TABLE IF NOT EXISTS offer_passed (
        conversation_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        PRIMARY KEY (conversation_id, agent_id)
      );
      CREATE TABLE IF NOT EXISTS routing_meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  }

  settings(): LobbySettings {
    const row = this.sql.exec<{ settings: string }>("SELECT settings FROM routing_settings WHERE id = 1").toArray()[0];
    return row ? lobbySettings.parse(JSON.parse(row.settings)) : DEFAULT_SETTINGS;
  }

  /** True when something routing depends on changed. */
  setSettings(settings: LobbySettings): boolean {
    const json = JSON.stringify(lobbySettings.parse(settings));
    const before = this.sql.exec<{ settings: string }>("SELECT settings FROM routing_settings WHERE id = 1").toArray()[0]?.settings;
    if (before === json) return false;
    this.sql.exec("INSERT INTO routing_settings (id, settings) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings", json);
    return true;
  }

  agentRouting(agentId: string): AgentRouting {
    const row = this.sql
      .exec<{ capacity: number; paused: number }>("SELECT capacity, paused FROM agent_routing WHERE agent_id = ?", agentId)
      .toArray()[0];
    return row ? { capacity: row.capacity, paused: row.paused === 1 } : { capacity: LIMITS.routing.defaultCapacity, paused: false };
  }

  /** True when it changed. */
  setAgentRouting(agentId: string, routing: AgentRouting): boolean {
    const before = this.agentRouting(agentId);
    if (before.capacity === routing.capacity && before.paused === routing.paused) return false;
    this.sql.exec(
      "INSERT INTO agent_routing (agent_id, capacity, paused) VALUES (?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET capacity = excluded.capacity, paused = excluded.paused",
      agentId,
      routing.capacity,
      routing.paused ? 1 : 0,
    );
    return true;
  }

  /** What an agent holds against their capacity: live chats and open offers both count. */
  loadOf(agentId: string): AgentLoad {
    return { ...this.agentRouting(agentId), live: this.liveCount(agentId), offered: this.offersTo(agentId).length };
  }

  /** Agents this lobby knows anything of: a capacity set, or a live chat. */
  knownAgents(): string[] {
    return this.sql
      .exec<{ agent_id: string }>("SELECT agent_id FROM agent_routing UNION SELECT agent_id FROM live UNION SELECT agent_id FROM offers")
      .toArray()
      .map((r) => r.agent_id);
  }

  /** Live chats per agent, for those who have any. */
  liveCounts(): Map<string, number> {
    const rows = this.sql.exec<{ agent_id: string; n: number }>("SELECT agent_id, COUNT(*) AS n FROM live GROUP BY agent_id").toArray();
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  liveCount(agentId: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM live WHERE agent_id = ?", agentId).one().n;
  }

  liveAgentOf(conversationId: string): string | null {
    return this.sql.exec<{ agent_id: string }>("SELECT agent_id FROM live WHERE conversation_id = ?", conversationId).toArray()[0]?.agent_id ?? null;
  }

  setLive(conversationId: string, agentId: string): void {
    this.sql.exec(
      "INSERT INTO live (conversation_id, agent_id) VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET agent_id = excluded.agent_id",
      conversationId,
      agentId,
    );
  }

  /** The agent whose load it was, or null when it was not live. */
  endLive(conversationId: string): string | null {
    const agentId = this.liveAgentOf(conversationId);
    if (agentId !== null) this.sql.exec("DELETE FROM live WHERE conversation_id = ?", conversationId);
    return agentId;
  }

  offers(): Offer[] {
    return this.sql
      .exec<{ conversation_id: string; agent_id: string; expires_at: number }>("SELECT * FROM offers ORDER BY expires_at")
      .toArray()
      .map((r) => ({ conversationId: r.conversation_id, agentId: r.agent_id, expiresAt: r.expires_at }));
  }

  offerOf(conversationId: string): Offer | null {
    return this.offers().find((o) => o.conversationId === conversationId) ?? null;
  }

  offersTo(agentId: string): Offer[] {
    return this.offers().filter((o) => o.agentId === agentId);
  }

  offer(offer: Offer): void {
    this.sql.exec("INSERT INTO offers (conversation_id, agent_id, expires_at) VALUES (?, ?, ?)", offer.conversationId, offer.agentId, offer.expiresAt);
  }

  /** Ends the open offer of a chat; `passed` remembers that its agent passed on it. Returns the offer there was. */
  endOffer(conversationId: string, passed: boolean): Offer | null {
    const offer = this.offerOf(conversationId);
    if (!offer) return null;
    this.sql.exec("DELETE FROM offers WHERE conversation_id = ?", conversationId);
    if (passed) {
      this.sql.exec("INSERT OR IGNORE INTO offer_passed (conversation_id, agent_id) VALUES (?, ?)", conversationId, offer.agentId);
    }
    return offer;
  }

  passedBy(conversationId: string): Set<string> {
    return new Set(
      this.sql.exec<{ agent_id: string }>("SELECT agent_id FROM offer_passed WHERE conversation_id = ?", conversationId).toArray().map((r) => r.agent_id),
    );
  }

  /** The chat left the queue: whoever passed on it may be offered it again if it ever comes back. */
  forgetPasses(conversationId: string): void {
    this.sql.exec("DELETE FROM offer_passed WHERE conversation_id = ?", conversationId);
  }

  earliestExpiry(): number | null {
    return this.sql.exec<{ due: number | null }>("SELECT MIN(expires_at) AS due FROM offers").one().due;
  }

  /** The last agent round robin chose; the next choice starts after them. */
  cursor(): string {
    return this.sql.exec<{ value: string }>("SELECT value FROM routing_meta WHERE name = 'cursor'").toArray()[0]?.value ?? "";
  }

  setCursor(agentId: string): void {
    this.sql.exec("INSERT INTO routing_meta (name, value) VALUES ('cursor', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", agentId);
  }
}
