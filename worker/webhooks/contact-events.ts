import { getContactByExternalId, upsertContact } from "../db/api-resources";
import type { Env } from "../env";
import { emitEvents } from "./emit";

type Contact = NonNullable<Awaited<ReturnType<typeof getContactByExternalId>>>;

const same = (a: Contact, b: Contact) => a.name === b.name && a.email === b.email && a.accountId === b.accountId;

/**
 * Upserts a contact by the integrator's id (REST API and inbound hooks) and tells the webhooks:
 * `contact.created` for a new one, `contact.updated` when a field changed, nothing when the same
 * values came again. The created event's id is the contact's, so two racing creations send one.
 *
 * @example
 * await upsertContactWithEvents(env, "ws_1", "crm-42", { name: "Mia", email: "mia@example.com", accountId: null })
 */
export async function upsertContactWithEvents(
  env: Env,
  workspaceId: string,
  externalId: string,
  input: { name: string; email: string; accountId: string | null },
): Promise<Contact> {
  const before = await getContactByExternalId(env.DB, workspaceId, externalId);
  const contact = await upsertContact(env.DB, workspaceId, externalId, input);
  if (before && same(before, contact)) return contact;
  const now = Date.now();
  await emitEvents(env, workspaceId, [
    before
      ? { id: `evt_${contact.id}_updated_${now}`, type: "contact.updated", orderingKey: contact.id, createdAt: now, data: { contact } }
      : { id: `evt_${contact.id}_created`, type: "contact.created", orderingKey: contact.id, createdAt: now, data: { contact } },
  ]);
  return contact;
}
