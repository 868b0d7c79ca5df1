import { z } from "zod";

const LOOKUP_TIMEOUT_MS = 1500;
/** How long a domain's MX answer is trusted; the cron prunes older rows. */
export const CACHE_MS = 24 * 3600 * 1000;
/** An unreachable resolver is asked again only after this, so an offline machine does not wait on every visitor. */
const UNKNOWN_CACHE_MS = 10 * 60 * 1000;
const UNKNOWN = 2;

const dohAnswer = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});

const MX = 15;
const NXDOMAIN = 3;

export type DomainVerdict = "accepts_mail" | "no_mail" | "unknown";

/**
 * Whether an email's domain can receive mail. A domain that does not exist, or publishes a null MX
 * (RFC 7505), cannot. When the lookup itself fails (offline, slow resolver) the answer is
 * "unknown" and the caller must not hold it against the visitor.
 */
export async function checkEmailDomain(db: D1Database, dohUrl: string, email: string): Promise<DomainVerdict> {
  if (!dohUrl) return "unknown";
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const cached = await db
    .prepare("SELECT has_mx, checked_at FROM mx_cache WHERE domain = ? AND checked_at > ?")
    .bind(domain, Date.now() - CACHE_MS)
    .first<{ has_mx: number; checked_at: number }>();
  if (cached && (cached.has_mx !== UNKNOWN || cached.checked_at > Date.now() - UNKNOWN_CACHE_MS)) {
    return cached.has_mx === UNKNOWN ? "unknown" : cached.has_mx ? "accepts_mail" : "no_mail";
  }
  const verdict = await lookUp(dohUrl, domain);
  await db
    .prepare("INSERT INTO mx_cache (domain, has_mx, checked_at) VALUES (?, ?, ?) ON CONFLICT (domain) DO UPDATE SET has_mx = excluded.has_mx, checked_at = excluded.checked_at")
    .bind(domain, verdict === "unknown" ? UNKNOWN : verdict === "accepts_mail" ? 1 : 0, Date.now())
    .run();
  return verdict;
}

async function lookUp(dohUrl: string, domain: string): Promise<DomainVerdict> {
  try {
    const res = await fetch(`${dohUrl}?name=${encodeURIComponent(domain)}&type=MX`, {
      headers: { accept: "application/dns-json" },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
    if (!res.ok) return "unknown";
    const answer = dohAnswer.safeParse(await res.json());
    if (!answer.success) return "unknown";
    const mx = (answer.data.Answer ?? []).filter((a) => a.type === MX);
    const nullMx = mx.length === 1 && /^0\s+\.?$/.test(mx[0]!.data.trim());
    return answer.data.Status === NXDOMAIN || nullMx ? "no_mail" : "accepts_mail";
  } catch {
    return "unknown";
  }
}
