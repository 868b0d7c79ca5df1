import type { Context } from "hono";
import {
  accountResource,
  contactResource,
  createTicketBody,
  externalId,
  ticketResource,
  upsertAccountBody,
  upsertContactBody,
} from "../../protocol/api-v1";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { getAccountByExternalId, getContactByExternalId, getTicket, listTickets, upsertAccount } from "../db/api-resources";
import { upsertContactWithEvents } from "../webhooks/contact-events";
import { HttpError, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { createTicketFor } from "../visitors/tickets";
import { route } from "./route";
import { findFirstChannelId } from "../db/api-resources";
import { findChannel } from "../db/channels";

const externalParam = (c: Context<AppEnv>, name: string) => parseWith(z.object({ [name]: externalId }), { [name]: c.req.param(name) })[name]!;

export const directoryRoutes = [
  route(
    {
      method: "put",
      path: "/accounts/{externalId}",
      summary: "Create or update an account by your own id",
      tag: "Contacts and accounts",
      body: upsertAccountBody,
      success: { status: 200, description: "The account", schema: accountResource },
      errors: [400],
    },
    async (c, { body }) => c.json(await upsertAccount(c.env.DB, c.get("workspaceId"), externalParam(c, "externalId"), body.name)),
  ),
  route(
    {
      method: "get",
      path: "/accounts/{externalId}",
      summary: "Read an account by your own id",
      tag: "Contacts and accounts",
      success: { status: 200, description: "The account", schema: accountResource },
      errors: [404],
    },
    async (c) => {
      const account = await getAccountByExternalId(c.env.DB, c.get("workspaceId"), externalParam(c, "externalId"));
      if (!account) throw notFound("account");
      return c.json(account);
    },
  ),
  route(
    {
      method: "put",
      path: "/contacts/{externalId}",
      summary: "Create or update a contact by your own id, optionally in an account",
      tag: "Contacts and accounts",
      body: upsertContactBody,
      success: { status: 200, description: "The contact", schema: contactResource },
      errors: [400],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      let accountId: string | null = null;
      if (body.accountExternalId) {
        const account = await getAccountByExternalId(c.env.DB, workspaceId, body.accountExternalId);
        if (!account) throw new HttpError(400, "invalid_request", "accountExternalId: no such account; PUT it first");
        accountId = account.id;
      }
      return c.json(await upsertContactWithEvents(c.env, workspaceId, externalParam(c, "externalId"), { name: body.name, email: body.email, accountId }));
    },
  ),
  route(
    {
      method: "get",
      path: "/contacts/{externalId}",
      summary: "Read a contact by your own id",
      tag: "Contacts and accounts",
      success: { status: 200, description: "The contact", schema: contactResource },
      errors: [404],
    },
    async (c) => {
      const contact = await getContactByExternalId(c.env.DB, c.get("workspaceId"), externalParam(c, "externalId"));
      if (!contact) throw notFound("contact");
      return c.json(contact);
    },
  ),
  route(
    {
      method: "get",
      path: "/tickets",
      summary: "List tickets, newest first",
      tag: "Tickets",
      success: { status: 200, description: "Tickets", schema: z.object({ tickets: z.array(ticketResource) }) },
    },
    async (c) => c.json({ tickets: await listTickets(c.env.DB, c.get("workspaceId")) }),
  ),
  route(
    {
      method: "post",
      path: "/tickets",
      summary: "Create a ticket for a contact",
      tag: "Tickets",
      body: createTicketBody,
      success: { status: 201, description: "The ticket", schema: ticketResource },
      errors: [400],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      const channelId = await findFirstChannelId(c.env.DB, workspaceId, body.channel);
      const channel = channelId ? await findChannel(c.env.DB, workspaceId, channelId) : null;
      if (!channel) throw new HttpError(400, "invalid_request", "channel: no such channel");
      const ticket = await createTicketFor(c.env, channel, { contact: body.contact, question: body.question, topic: undefined, fields: {}, locale: undefined });
      return c.json((await getTicket(c.env.DB, workspaceId, ticket.id))!, 201);
    },
  ),
  route(
    {
      method: "get",
      path: "/tickets/{id}",
      summary: "Read a ticket",
      tag: "Tickets",
      success: { status: 200, description: "The ticket", schema: ticketResource },
      errors: [404],
    },
    async (c) => {
      const ticket = await getTicket(c.env.DB, c.get("workspaceId"), c.req.param("id")!);
      if (!ticket) throw notFound("ticket");
      return c.json(ticket);
    },
  ),
];
