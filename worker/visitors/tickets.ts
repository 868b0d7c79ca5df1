import type { Ticket } from "../../protocol/api";
import type { Locale } from "../../protocol/channel";
import type { Channel } from "../db/channels";
import { resolveContact, type ContactInput } from "../db/contacts";
import { startConversation, subjectOf } from "../conversations/start";
import { createTicket, linkTicketConversation } from "../db/tickets";
import { queueEmail } from "../email/outbox";
import { conversationThread } from "../email/threading";
import { HttpError } from "../http/errors";
import type { Env } from "../env";
import { emitEvents } from "../webhooks/emit";

/**
 * A ticket from the widget's closed form or the API: stored, made a conversation (waiting in the
 * queue for the first agent available, answered in the console, continued by email), receipted
 * by email from that conversation's reply address, announced by webhook. A full queue leaves the
 * ticket without a conversation, still receipted.
 */
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
  const conversation = await startConversation(env, {
    channel,
    contact: input.contact,
    subject: subjectOf(input.question),
    message: { clientId: `ticket-${ticket.id}`.replaceAll(/[^A-Za-z0-9_-]/g, "-").slice(0, 64), body: input.question },
    topic: input.topic,
    fields: input.fields,
    locale: input.locale,
  }).catch((err: unknown) => {
    if (err instanceof HttpError && err.code === "queue_full") return null;
    throw err;
  });
  if (conversation) await linkTicketConversation(env.DB, channel.workspaceId, ticket.id, conversation.id);
  const key = `ticket:${ticket.id}`;
  await queueEmail(
    env,
    {
      workspaceId: channel.workspaceId,
      to: input.contact.email,
      locale: input.locale ?? "en",
      idempotencyKey: key,
      fromName: channel.name,
      ...(conversation ? { thread: await conversationThread(env, { kind: "customer", conversationId: conversation.id }, key) } : {}),
    },
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
