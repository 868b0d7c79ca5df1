import { Hono, type Context } from "hono";
import { accountInput, accountsQuery, contactLinkRequest } from "../../protocol/console";
import type { AppEnv } from "../app-env";
import { createAccount, getAccount, linkContact, listAccounts, renameAccount, unlinkContact } from "../db/accounts";
import { HttpError, notFound } from "../http/errors";
import { parseBody, parseQuery } from "../http/validate";

/**
 * Customer accounts and their contacts. An account's Communication view is the inbox filtered by
 * `accountId` (GET /conversations?accountId=…).
 */
export const accountRoutes = new Hono<AppEnv>();

async function accountOr404(c: Context<AppEnv>) {
  const account = await getAccount(c.env.DB, c.get("workspaceId"), c.req.param("id") ?? "");
  if (!account) throw notFound("account");
  return account;
}

accountRoutes.get("/accounts", async (c) => {
  const { q, filter } = parseQuery(c, accountsQuery);
  const agent = c.get("agent");
  return c.json({ accounts: await listAccounts(c.env.DB, agent.workspaceId, agent.id, q, filter) });
});

accountRoutes.post("/accounts", async (c) => {
  const { name } = await parseBody(c, accountInput);
  return c.json({ account: await createAccount(c.env.DB, c.get("workspaceId"), name) }, 201);
});

accountRoutes.get("/accounts/:id", async (c) => c.json({ account: await accountOr404(c) }));

accountRoutes.patch("/accounts/:id", async (c) => {
  const { name } = await parseBody(c, accountInput);
  if (!(await renameAccount(c.env.DB, c.get("workspaceId"), c.req.param("id"), name))) throw notFound("account");
  return c.json({ account: await accountOr404(c) });
});

accountRoutes.post("/accounts/:id/contacts", async (c) => {
  const input = await parseBody(c, contactLinkRequest);
  const account = await accountOr404(c);
  const linked = await linkContact(c.env.DB, c.get("workspaceId"), account.id, input);
  if (!linked.ok) {
    throw new HttpError(409, "contact_in_other_account", `${input.email} is a contact of ${linked.otherAccount}; remove it there first`);
  }
  return c.json({ contact: linked.contact }, 201);
});

accountRoutes.delete("/accounts/:id/contacts/:contactId", async (c) => {
  const account = await accountOr404(c);
  if (!(await unlinkContact(c.env.DB, c.get("workspaceId"), account.id, c.req.param("contactId")))) throw notFound("contact");
  return c.body(null, 204);
});
