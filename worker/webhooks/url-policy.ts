import { HttpError } from "../http/errors";

const PRIVATE_V4 = [/^10\./, /^127\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^0\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

function isPrivateHost(host: string): boolean {
  // "localhost." is localhost: a fully qualified name ends in a dot.
  const h = host.replace(/^\[|\]$/g, "").replace(/\.+$/, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")) return true;
  if (PRIVATE_V4.some((r) => r.test(h))) return true;
  return h === "::1" || h === "::" || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe80:/.test(h) || h.startsWith("::ffff:");
}

/**
 * Webhooks leave from Parley's own network, so a URL must not point back into it (SSRF): in
 * production only HTTPS to public hosts; while developing, plain HTTP to this machine too, so a
 * local receiver works.
 */
export function checkWebhookUrl(raw: string, production: boolean): string {
  const url = new URL(raw);
  if (url.username || url.password) throw new HttpError(400, "invalid_request", "url: credentials in the URL are not allowed; use the signing secret");
  if (production) {
    if (url.protocol !== "https:") throw new HttpError(400, "invalid_request", "url: webhooks are sent over HTTPS only");
    if (isPrivateHost(url.hostname)) throw new HttpError(400, "invalid_request", "url: must be a public host, not a private or local address");
  }
  return url.toString();
}
