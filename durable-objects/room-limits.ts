import { LIMITS, type Rate } from "../protocol/limits";
import { take, type Bucket } from "../protocol/token-bucket";
import type { Author } from "../protocol/frames";

/** The frame kinds a room counts; `ping` is answered by the runtime and never reaches it. */
export type CountedFrame = keyof (typeof LIMITS.frames)["visitor"];

/** Who a bucket belongs to: a conversation has one visitor; each agent and each integrator counts alone. */
export type Sender = { role: "visitor" | "agent" | "integrator"; id: string | null };

export type LimitCheck = { ok: true } | { ok: false; retryAfterMs: number };

const OK: LimitCheck = { ok: true };

/**
 * The token buckets of one room's senders: per sender and frame kind, plus one for the whole
 * conversation's messages, so that several agents or tabs together cannot flood it either.
 *
 * Kept in memory, not in storage: a room hibernates only after it has been quiet for a while,
 * by which time a fast bucket has refilled anyway, and the slow ones (end, reopen, feedback) only
 * shape bursts; the totals that must hold for the conversation's whole life (messages, reopens,
 * files) are counted from its storage by the room.
 */
export class RoomLimits {
  private readonly buckets = new Map<string, Bucket>();
  /**
   * Once a sender is refused, everything it sends is refused until the time it was told, even
   * if a token refills sooner: a later message must never get in before the refused one.
   */
  private readonly blockedUntil = new Map<string, number>();

  /** `factor` scales every rate (RATE_LIMIT_FACTOR: the benchmark and the browser tests raise it). */
  constructor(private readonly factor = 1) {}

  /** Takes a token for one frame, or says when to try again; a refusal takes nothing. */
  check(sender: Sender, kind: CountedFrame, now = Date.now()): LimitCheck {
    const own = this.rateOf(sender, kind);
    const key = `${sender.role}:${sender.id ?? ""}:${kind}`;
    const blocked = this.blockedUntil.get(key) ?? 0;
    if (blocked > now) return { ok: false, retryAfterMs: blocked - now };
    const mine = take(this.scaled(own), this.buckets.get(key), now);
    if (!mine.ok) return this.refuse(key, mine, now);
    if (kind === "send") {
      const all = take(this.scaled(LIMITS.frames.conversation.send), this.buckets.get("conversation:send"), now);
      if (!all.ok) return this.refuse(key, all, now);
      this.buckets.set("conversation:send", all.bucket);
    }
    this.buckets.set(key, mine.bucket);
    return OK;
  }

  private refuse(key: string, result: { retryAfterMs: number }, now: number): LimitCheck {
    this.blockedUntil.set(key, now + result.retryAfterMs);
    return { ok: false, retryAfterMs: result.retryAfterMs };
  }

  private scaled(rate: Rate): Rate {
    return this.factor === 1 ? rate : { burst: rate.burst * this.factor, perSecond: rate.perSecond * this.factor };
  }

  private rateOf(sender: Sender, kind: CountedFrame): Rate {
    if (sender.role === "integrator") return kind === "send" ? LIMITS.frames.integrator.send : LIMITS.frames.agent[kind];
    return LIMITS.frames[sender.role][kind];
  }
}

/** The bucket owner of a message's author: the visitor, one agent, or an integrator acting as either. */
export function senderOf(author: Author, viaIntegrator: boolean): Sender {
  if (viaIntegrator) return { role: "integrator", id: `${author.type}:${author.id ?? ""}` };
  return { role: author.type === "agent" ? "agent" : "visitor", id: author.type === "agent" ? author.id : null };
}
