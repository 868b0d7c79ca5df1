import { afterEach, describe, expect, it } from "vitest";
import type { AccountDetail, AccountSummary, InboxPage } from "../../protocol/console";
import { createWorkspace, signIn } from "./fixtures";
import { asAgent, insertThread, quietRooms, type ErrorBody } from "./console-fixtures";

afterEach(quietRooms);

async function newAccount(agent: ReturnType<typeof asAgent>, name: string): Promise<AccountDetail> {
  const res = await agent.post("/api/console/accounts", { name });
  expect(res.status).toBe(201);
  return ((await res.json()) as { account: AccountDetail }).account;
}

describe("customer accounts", () => {
  it("an account has several contacts, and its Communication view lists all their threads", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const aino = { name: "Aino Lahtinen", email: "aino@firma.fi" };
    const pekka = { name: "Pekka Virta", email: "pekka@firma.fi" };
    const t = Date.now() - 10_000;
    await insertThread(ws, { subject: "Aino asks", contact: aino, activityAt: t + 1, messages: [{ author: "visitor", body: "?" }] });
    await insertThread(ws, { subject: "Pekka asks", contact: pekka, activityAt: t + 2, archived: true });
    await insertThread(ws, { subject: "Someone else", activityAt: t + 3 });

    const account = await newAccount(agent, "Firma Oy");
    // She exists already (she wrote to us); the agent's spelling of her name replaces hers.
    const linkedAino = await agent.post(`/api/console/accounts/${account.id}/contacts`, { name: "Aino Lahtinen-Virta", email: "AINO@firma.fi" });
    expect(linkedAino.status).toBe(201);
    expect(((await linkedAino.json()) as { contact: { name: string } }).contact.name).toBe("Aino Lahtinen-Virta");
    expect((await agent.post(`/api/console/accounts/${account.id}/contacts`, pekka)).status).toBe(201);
    const newcomer = await agent.post(`/api/console/accounts/${account.id}/contacts`, { name: "Liisa Uusi", email: "liisa@firma.fi" });
    expect(newcomer.status).toBe(201);

    const detail = (await agent.json<{ account: AccountDetail }>(`/api/console/accounts/${account.id}`)).account;
    expect(detail.contacts.map((c) => c.name)).toEqual(["Aino Lahtinen-Virta", "Liisa Uusi", "Pekka Virta"]);

    const communication = await agent.json<InboxPage>(`/api/console/conversations?filter=all&accountId=${account.id}`);
    expect(communication.conversations.map((c) => c.subject)).toEqual(["Pekka asks", "Aino asks"]);
    expect(communication.conversations[0]!.contact.account).toEqual({ id: account.id, name: "Firma Oy" });
    // In her account she is named, on her threads and as the author of her replies.
    expect(communication.conversations[1]!.contact).toMatchObject({ name: "Aino Lahtinen-Virta", label: "Aino Lahtinen-Virta" });
    expect(communication.conversations[1]!.lastAuthorName).toBe("Aino Lahtinen-Virta");
    const active = await agent.json<InboxPage>(`/api/console/conversations?filter=active&accountId=${account.id}`);
    expect(active.conversations.map((c) => c.subject)).toEqual(["Aino asks"]);

    const { accounts } = await agent.json<{ accounts: AccountSummary[] }>("/api/console/accounts");
    expect(accounts).toEqual([expect.objectContaining({ name: "Firma Oy", contactCount: 3, unreadThreads: 1 })]);
  });

  it("finds accounts by name or by a contact's name or email", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const firma = await newAccount(agent, "Firma Oy");
    await newAccount(agent, "Studio Rossi");
    await agent.post(`/api/console/accounts/${firma.id}/contacts`, { name: "Aino Lahtinen", email: "aino@firma.fi" });
    const names = async (q: string) =>
      (await agent.json<{ accounts: AccountSummary[] }>(`/api/console/accounts?q=${encodeURIComponent(q)}`)).accounts.map((a) => a.name);
    expect(await names("")).toEqual(["Firma Oy", "Studio Rossi"]);
    expect(await names("rossi")).toEqual(["Studio Rossi"]);
    expect(await names("Lahti")).toEqual(["Firma Oy"]);
    expect(await names("aino@firma")).toEqual(["Firma Oy"]);
    expect(await names("100%_")).toEqual([]);
  });

  it("renames, unlinks, and keeps a contact in one account at a time", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const a = await newAccount(agent, "A Ltd");
    const b = await newAccount(agent, "B Ltd");
    const linked = (await (await agent.post(`/api/console/accounts/${a.id}/contacts`, { name: "Sam", email: "sam@x.com" })).json()) as {
      contact: { id: string };
    };
    const conflict = await agent.post(`/api/console/accounts/${b.id}/contacts`, { name: "Sam", email: "sam@x.com" });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as ErrorBody).error.message).toContain("A Ltd");

    expect((await agent.delete(`/api/console/accounts/${a.id}/contacts/${linked.contact.id}`)).status).toBe(204);
    expect((await agent.delete(`/api/console/accounts/${a.id}/contacts/${linked.contact.id}`)).status).toBe(404);
    expect((await agent.post(`/api/console/accounts/${b.id}/contacts`, { name: "Sam", email: "sam@x.com" })).status).toBe(201);

    const renamed = await agent.patch(`/api/console/accounts/${a.id}`, { name: "A Limited" });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { account: AccountDetail }).account.name).toBe("A Limited");

    for (const bad of [{}, { name: "" }, { name: "x".repeat(121) }, { name: 3 }, { name: "ok", extra: true }]) {
      expect((await agent.post("/api/console/accounts", bad)).status, JSON.stringify(bad)).toBe(400);
      expect((await agent.patch(`/api/console/accounts/${a.id}`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    for (const bad of [{ name: "Sam" }, { name: "Sam", email: "nope" }, { email: "x@y.com" }]) {
      expect((await agent.post(`/api/console/accounts/${a.id}/contacts`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await agent.get("/api/console/accounts/acc_missing")).status).toBe(404);
    expect((await agent.patch("/api/console/accounts/acc_missing", { name: "x" })).status).toBe(404);
  });

  it("filters accounts by their threads: all, active, unread, archived", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const t = Date.now() - 10_000;
    // Live and unread; live and read (the agent wrote last); archived only; no threads at all.
    const live = await newAccount(agent, "Live Oy");
    const quiet = await newAccount(agent, "Quiet Oy");
    const filed = await newAccount(agent, "Filed Oy");
    await newAccount(agent, "Empty Oy");
    const link = (account: AccountDetail, name: string) =>
      agent.post(`/api/console/accounts/${account.id}/contacts`, { name, email: `${name.toLowerCase()}@example.com` });
    await insertThread(ws, { subject: "Help", contact: { name: "Lea", email: "lea@example.com" }, activityAt: t + 1, messages: [{ author: "visitor", body: "?" }] });
    await insertThread(ws, { subject: "Thanks", contact: { name: "Quinn", email: "quinn@example.com" }, activityAt: t + 2 });
    await insertThread(ws, { subject: "Old", contact: { name: "Finn", email: "finn@example.com" }, activityAt: t + 3, archived: true, messages: [{ author: "visitor", body: "!" }] });
    for (const [account, name] of [[live, "Lea"], [quiet, "Quinn"], [filed, "Finn"]] as const) expect((await link(account, name)).status).toBe(201);

    const list = async (query: string) =>
      (await agent.json<{ accounts: AccountSummary[] }>(`/api/console/accounts?${query}`)).accounts.map((a) => [a.name, a.activeThreads, a.unreadThreads]);
    expect(await list("")).toEqual([["Empty Oy", 0, 0], ["Filed Oy", 0, 0], ["Live Oy", 1, 1], ["Quiet Oy", 1, 0]]);
    expect(await list("filter=all")).toEqual(await list(""));
    expect(await list("filter=active")).toEqual([["Live Oy", 1, 1], ["Quiet Oy", 1, 0]]);
    // An archived thread's unread messages do not count: archiving files it away.
    expect(await list("filter=unread")).toEqual([["Live Oy", 1, 1]]);
    expect(await list("filter=archived")).toEqual([["Filed Oy", 0, 0]]);
    expect(await list("filter=active&q=quinn")).toEqual([["Quiet Oy", 1, 0]]);
    expect(await list("filter=unread&q=quinn")).toEqual([]);

    for (const bad of ["filter=open", "filter=", "filter=ALL", "filter=%00", `filter=${"a".repeat(5000)}`]) {
      const res = await agent.get(`/api/console/accounts?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code, bad).toBeTruthy();
    }
  });
});
