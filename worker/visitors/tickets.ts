import type { Ticket } from "../../protocol/api";
import type { Locale } from "../../protocol/channel";
import type { Channel } from "../db/channels";
import { resolveContact, type ContactInput } from "../db/contacts";
import { createTicket } from "../db/tickets";
import { queueEmail } from "../email/outbox";
import type { Env } from "../env";
import { emitEvents } from "../webhooks/emit";

/** A ticket from the widget's closed form or the API: stored, receipted by email, announced by webhook. */
export async function createTicketFor(
  env: Env,
  channel: Channel,
  input: { contact: ContactInput; question: string; topic: string | undefined; fields: Record<string, string>; locale: Locale | undefined },
): Promise<Ticket> {
  const contact = await resolveContact(env.DB, channel.workspaceId, input.contact);
  if (contact.create) await contact.create.run();
  const ticket = await createTicket(env.DB, {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    contactId: contact.id,
    topic: input.topic,
    fields: input.fields,
    locale: input.locale,
    question: input.question,
  });
  await queueEmail(
    env,
    { workspaceId: channel.workspaceId, to: input.contact.email, locale: input.locale ?? "en", idempotencyKey: `ticket:${ticket.id}` },
    { template: "ticket_receipt", data: { reference: ticket.reference, question: input.question, contactName: contact.name } },
  );
  await emitEvents(env, channel.workspaceId, [
    {
      id: `evt_${ticket.id}_created`,
      type: "ticket.created",
      orderingKey: ticket.id,
      data: { ticket, contact: { name: contact.name, email: input.contact.email }, question: input.question },
    },
  ]);
  return ticket;
}
