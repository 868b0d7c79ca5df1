import type { LobbyConsoles } from "./lobby-consoles";
import type { LobbyOffers } from "./lobby-offers";
import { chooseAgent, offeredTo, type Candidate } from "./lobby-routing";
import type { LobbyStore } from "./lobby-store";

type EndReason = "accepted" | "declined" | "timeout" | "withdrawn";

/**
 * Automatic routing (`auto`, `least_busy`): each waiting chat is offered to one agent at a time,
 * who takes it with the ordinary accept or passes on it; a decline or a timeout hands it to the
 * next agent, and once every agent who could take it has passed, it simply waits in the queue.
 * Every method is synchronous and writes its choice before anything is sent, so two offers of one
 * chat cannot both stand, and an offer outlives a crash (the alarm expires it: LobbyOffers).
 * The queue and the visitor's place in it do not change while a chat is offered.
 */
export class LobbyRouter {
  constructor(
    private readonly store: LobbyStore,
    private readonly offers: LobbyOffers,
    private readonly consoles: LobbyConsoles,
  ) {}

  /**
   * Offers each waiting chat that has no open offer to the agent in turn, among the available,
   * unpaused agents under capacity who may take it and have not passed on it.
   */
  route(now: number): void {
    const { mode, offerSeconds } = this.offers.settings().routing;
    if (mode === "manual") return;
    const available = [...this.consoles.availableAgents()].filter((id) => !this.offers.agentRouting(id).paused);
    if (available.length === 0) return;
    for (const row of this.store.queue()) {
      if (this.offers.offerOf(row.conversationId)) continue;
      const passed = this.offers.passedBy(row.conversationId);
      const candidates: Candidate[] = available.flatMap((agentId) => {
        if (passed.has(agentId) || !offeredTo(row, agentId)) return [];
        const load = this.offers.loadOf(agentId);
        const busy = load.live + load.offered;
        return busy < load.capacity ? [{ agentId, busy }] : [];
      });
      const agentId = chooseAgent(mode, candidates, this.offers.cursor());
      if (agentId === null) continue;
      const expiresAt = now + offerSeconds * 1000;
      this.offers.offer({ conversationId: row.conversationId, agentId, expiresAt });
      this.offers.setCursor(agentId);
      const entry = this.consoles.entryOf(row.conversationId);
      if (entry) this.consoles.sendToAgent(agentId, { type: "offer", offer: { entry, expiresAt } });
      this.sendLoad(agentId);
    }
  }

  /**
   * Ends a chat's open offer and tells its agent why. A decline or a timeout means that agent
   * passed on it; a chat taken or gone, or an agent gone, does not.
   */
  endOffer(conversationId: string, reason: EndReason): void {
    const offer = this.offers.endOffer(conversationId, reason === "declined" || reason === "timeout");
    if (!offer) return;
    this.consoles.sendToAgent(offer.agentId, { type: "offer_ended", conversationId, reason });
    this.sendLoad(offer.agentId);
  }

  /** Offers past their time pass to the next agent. */
  expire(now: number): void {
    for (const offer of this.offers.offers()) if (offer.expiresAt <= now) this.endOffer(offer.conversationId, "timeout");
  }

  /** Offers held by agents who are no longer available or are paused, or all of them once routing is manual. */
  withdrawStale(): void {
    const manual = this.offers.settings().routing.mode === "manual";
    const available = this.consoles.availableAgents();
    for (const offer of this.offers.offers()) {
      if (manual || !available.has(offer.agentId) || this.offers.agentRouting(offer.agentId).paused) {
        this.endOffer(offer.conversationId, "withdrawn");
      }
    }
  }

  sendLoad(agentId: string): void {
    this.consoles.sendToAgent(agentId, { type: "load", load: this.offers.loadOf(agentId) });
  }
}
