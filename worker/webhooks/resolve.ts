import { z } from "zod";

const LOOKUP_TIMEOUT_MS = 3000;
const A = 1;
const AAAA = 28;
const NOERROR = 0;
const NXDOMAIN = 3;

const dohAnswer = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});

export type Resolution =
  | { ok: true; addresses: string[] }
  /** `missing`: the name has no address; `unavailable`: the resolver did not answer, so nothing is known. */
  | { ok: false; kind: "missing" | "unavailable"; message: string };

async function ask(dohUrl: string, name: string, type: typeof A | typeof AAAA): Promise<string[] | "nxdomain"> {
  const res = await fetch(`${dohUrl}?name=${encodeURIComponent(name)}&type=${type === A ? "A" : "AAAA"}`, {
    headers: { accept: "application/dns-json" },
    signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`the resolver answered HTTP ${res.status}`);
  const answer = dohAnswer.parse(await res.json());
  if (answer.Status === NXDOMAIN) return "nxdomain";
  if (answer.Status !== NOERROR) throw new Error(`the resolver answered DNS status ${answer.Status}`);
  // CNAMEs come first in the answer, followed by the addresses they lead to.
  return (answer.Answer ?? []).filter((a) => a.type === type).map((a) => a.data.trim());
}

/**
 * Every A and AAAA address of a name, through DNS over HTTPS (the JSON API of Cloudflare and
 * Google). All of them, because a client connecting to the name may pick any one.
 */
export async function resolveHost(dohUrl: string, name: string): Promise<Resolution> {
  if (!dohUrl) return { ok: false, kind: "unavailable", message: "no DNS resolver is configured (DOH_URL)" };
  try {
    const answers = await Promise.all([ask(dohUrl, name, A), ask(dohUrl, name, AAAA)]);
    const addresses = answers.flatMap((a) => (a === "nxdomain" ? [] : a));
    if (addresses.length === 0) return { ok: false, kind: "missing", message: `${name} does not resolve to any address` };
    return { ok: true, addresses };
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? "the resolver did not answer in time" : err instanceof Error ? err.message : String(err);
    return { ok: false, kind: "unavailable", message: `${name} could not be looked up: ${why}` };
  }
}
