import { signatureHeader } from "./signature";
import { standardSignatureHeader } from "./standard-signature";

export type SigningSecrets = {
  secret: string;
  /** The secret a rotation replaced, while its overlap lasts. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
};

/** The secrets that sign a delivery at `now`: the current one, and the replaced one until its overlap ends. */
export function activeSecrets(e: SigningSecrets, now: number): string[] {
  const overlapping = e.previousSecret !== null && e.previousSecretExpiresAt !== null && now < e.previousSecretExpiresAt;
  return overlapping ? [e.secret, e.previousSecret!] : [e.secret];
}

/**
 * The headers of one delivery attempt: Parley's own (`Parley-Event`, `Parley-Delivery`,
 * `Parley-Signature`) and Standard Webhooks' (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
 * so that both a receiver written against Parley's docs and the official `standardwebhooks`
 * libraries verify it. The delivery id is the webhook-id, so it is the same on every retry.
 *
 * @example
 * await deliveryHeaders({ id: "dlv_1", eventType: "message.created", body, secrets: ["whsec_…"], unixSeconds: 1700000000 })
 */
export async function deliveryHeaders(d: { id: string; eventType: string; body: string; secrets: string[]; unixSeconds: number }) {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Parley-Webhooks/1",
    "Parley-Event": d.eventType,
    "Parley-Delivery": d.id,
    "Parley-Signature": await signatureHeader(d.secrets, d.body, d.unixSeconds),
    "webhook-id": d.id,
    "webhook-timestamp": String(d.unixSeconds),
    "webhook-signature": await standardSignatureHeader(d.secrets, d.id, d.unixSeconds, d.body),
  };
}
