import type { Env } from "../env";
import { HttpError } from "../http/errors";
import { blockedAddress, isAddressLiteral } from "./address-ranges";
import { resolveHost } from "./resolve";

/** Names that never lead to a public host, whatever a resolver says. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

const NOT_PUBLIC = "must be a public host, not a private or local address";

/**
 * Why a webhook may not be sent to a URL. `blocked`: never (private address, wrong scheme);
 * `missing`: the name has no address now; `unavailable`: the resolver could not be asked.
 */
export type UrlRefusal = { kind: "blocked" | "missing" | "unavailable"; message: string };

type PolicyEnv = Pick<Env, "PARLEY_ENV" | "DOH_URL">;

/** On everywhere except a developer's machine, where a local receiver is the point. */
export const guardsWebhooks = (env: Pick<Env, "PARLEY_ENV">) => env.PARLEY_ENV !== "development";

const blocked = (message: string): UrlRefusal => ({ kind: "blocked", message: `url: ${message}` });

/**
 * Webhooks leave from Parley's own network, so a URL must not point back into it (SSRF): only
 * HTTPS to hosts whose every address is public. A name is resolved each time (at registration and
 * before each round of deliveries), so a name that later turns private is caught then. While
 * developing, plain HTTP to this machine is let through, so a local receiver works.
 *
 * @example
 * await webhookUrlRefusal("https://[::ffff:127.0.0.1]/", env) // { kind: "blocked", message: "url: … loopback …" }
 */
export async function webhookUrlRefusal(raw: string, env: PolicyEnv): Promise<UrlRefusal | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return blocked("not a valid URL");
  }
  if (url.username || url.password) return blocked("credentials in the URL are not allowed; use the signing secret");
  if (!guardsWebhooks(env)) return url.protocol === "https:" || url.protocol === "http:" ? null : blocked("must be an http(s) URL");
  if (url.protocol !== "https:") return blocked("webhooks are sent over HTTPS only");
  const host = url.hostname;
  if (isAddressLiteral(host)) {
    const why = blockedAddress(host);
    return why ? blocked(`${NOT_PUBLIC}: ${host} is ${why}`) : null;
  }
  // "localhost." is localhost: a fully qualified name ends in a dot.
  const name = host.replace(/\.+$/, "");
  if (name === "" || LOCAL_NAME.test(name)) return blocked(`${NOT_PUBLIC}: ${host} is a local name`);
  const resolved = await resolveHost(env.DOH_URL, name);
  if (!resolved.ok) return { kind: resolved.kind, message: `url: ${resolved.message}` };
  for (const address of resolved.addresses) {
    const why = blockedAddress(address);
    if (why) return blocked(`${NOT_PUBLIC}: ${name} resolves to ${address}, ${why}`);
  }
  return null;
}

/** Registration: the URL as stored, or a 400 that says what is wrong (503 if the resolver is down). */
export async function admitWebhookUrl(raw: string, env: PolicyEnv): Promise<string> {
  const refusal = await webhookUrlRefusal(raw, env);
  if (refusal?.kind === "unavailable") {
    throw new HttpError(503, "dns_unavailable", `${refusal.message}; try again shortly`, { "Retry-After": "30" });
  }
  if (refusal) throw new HttpError(400, "invalid_request", refusal.message);
  return new URL(raw).toString();
}
