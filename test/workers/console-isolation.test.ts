import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { AccountDetail, ConversationDetail, InboxPage } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { BASE, call, createWorkspace, signIn } from "./fixtures";
import { asAgent, quietRooms, startChat, type ErrorBody } from "./console-fixtures";

afterEach(quietRooms);

/** Workspace Y with a thread, a file and an account; an agent of workspace X who tries to reach them. */
async function twoWorkspaces() {
  const y = await createWorkspace();
  const cookieY = await signIn(y);
  const inY = asAgent(cookieY);
  const { conversation } = await startChat(y, "Y's private question");
  const uploaded = await call(`/api/console/conversations/${conversation.id}/attachments`, {
    method: "POST",
    headers: { cookie: cookieY, origin: BASE, "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "y.txt" },
    body: "secret",
  });
  const { message } = (await uploaded.json()) as { message: Message };
  const account = ((await (await inY.post("/api/console/accounts", { name: "Y Customer" })).json()) as { account: AccountDetail }).account;
  const contact = (await (await inY.post(`/api/console/accounts/${account.id}/contacts`, { name: "Vera", email: "vera@example.com" })).json()) as {
    contact: { id: string };
  };
  const x = await createWorkspace();
  const cookieX = await signIn(x);
  return { y, inY, conversation, attachmentId: message.attachment!.id, account, contactId: contact.contact.id, x, cookieX, inX: asAgent(cookieX) };
}

describe("an agent of one workspace never reaches another's data", () => {
  it("every conversation and account endpoint answers 404, and nothing changes", async () => {
    const { y, inY, conversation, attachmentId, account, contactId, inX, cookieX: inXCookie } = await twoWorkspaces();
    const c = `/api/console/conversations/${conversation.id}`;
    const a = `/api/console/accounts/${account.id}`;
    const attempts: [string, () => Promise<Response>][] = [
      ["GET conversation", () => inX.get(c)],
      ["socket", () => call(`${c}/socket`, { headers: { upgrade: "websocket", cookie: inXCookie } })],
      ["read", () => inX.post(`${c}/read`, { seq: 1 })],
      ["archive", () => inX.patch(c, { archived: true })],
      ["attention", () => inX.patch(c, { attention: "answered" })],
      ["end", () => inX.post(`${c}/end`)],
      ["transcript", () => inX.post(`${c}/transcript`, { to: "thief@example.com" })],
      ["notify admins", () => inX.post(`${c}/notify-admins`, {})],
      ["list files", () => inX.get(`${c}/attachments`)],
      ["delete file", () => inX.delete(`${c}/attachments/${attachmentId}`)],
      [
        "add file",
        () =>
          call(`${c}/attachments`, {
            method: "POST",
            headers: { cookie: inXCookie, origin: BASE, "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "x.txt" },
            body: "planted",
          }),
      ],
      ["download file", () => call(`/api/attachments/${conversation.id}/${attachmentId}`, { headers: { cookie: inXCookie } })],
      ["delete thread", () => inX.delete(c)],
      ["GET account", () => inX.get(a)],
      ["rename account", () => inX.patch(a, { name: "Stolen" })],
      ["link contact", () => inX.post(`${a}/contacts`, { name: "Mole", email: "mole@example.com" })],
      ["unlink contact", () => inX.delete(`${a}/contacts/${contactId}`)],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect(res.status, what).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code, what).toBe("not_found");
    }

    const { conversation: after } = await inY.json<{ conversation: ConversationDetail }>(c);
    expect(after).toMatchObject({ archived: false, attention: "attentive", status: "queued" });
    expect((await inY.json<{ attachments: unknown[] }>(`${c}/attachments`)).attachments).toHaveLength(1);
    expect((await inY.json<{ account: AccountDetail }>(a)).account).toMatchObject({ name: "Y Customer", contacts: [{ id: contactId }] });
    const emails = await env.DB.prepare("SELECT COUNT(*) AS n FROM email_outbox WHERE to_address = 'thief@example.com'").first<{ n: number }>();
    expect(emails?.n).toBe(0);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ?").bind(y.workspaceId).first<{ n: number }>())?.n).toBe(0);
  });

  it("lists show only the agent's own workspace", async () => {
    const { account, inX, inY, conversation } = await twoWorkspaces();
    expect((await inX.json<InboxPage>("/api/console/conversations?filter=all")).conversations).toEqual([]);
    expect((await inX.json<InboxPage>("/api/console/conversations?filter=all&q=private")).conversations).toEqual([]);
    expect((await inX.json<InboxPage>(`/api/console/conversations?filter=all&accountId=${account.id}`)).conversations).toEqual([]);
    expect((await inX.json<{ accounts: unknown[] }>("/api/console/accounts")).accounts).toEqual([]);
    expect((await inX.json<{ accounts: unknown[] }>("/api/console/accounts?q=Vera")).accounts).toEqual([]);
    expect((await inX.json<{ notifications: unknown[] }>("/api/console/notifications")).notifications).toEqual([]);
    expect((await inX.json<{ agents: { name: string }[] }>("/api/console/agents")).agents).toHaveLength(1);
    expect((await inY.json<InboxPage>("/api/console/conversations?q=private")).conversations.map((c) => c.id)).toEqual([conversation.id]);
  });

  it("a conversation started in the console cannot use another workspace's channel or agent", async () => {
    const { y, x, inX } = await twoWorkspaces();
    const agentOfY = await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ?").bind(y.workspaceId).first<{ id: string }>();
    const body = (channelId: string, responsibleAgentId?: string) => ({
      channelId,
      contact: { name: "C", email: "c@example.com" },
      subject: "s",
      message: { clientId: crypto.randomUUID(), body: "b" },
      ...(responsibleAgentId ? { responsibleAgentId } : {}),
    });
    expect((await inX.post("/api/console/conversations", body(y.channelId))).status).toBe(400);
    expect((await inX.post("/api/console/conversations", body(x.channelId, agentOfY!.id))).status).toBe(400);
    expect((await inX.json<InboxPage>("/api/console/conversations")).conversations).toEqual([]);
  });
});

describe("console endpoints need a session and the console's own origin", () => {
  it("answers 401 without a session and 403 from another origin", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const { conversation } = await startChat(ws);
    const c = `/api/console/conversations/${conversation.id}`;
    const routes: [string, string][] = [
      ["GET", "/api/console/conversations"],
      ["GET", "/api/console/agents"],
      ["GET", "/api/console/accounts"],
      ["GET", "/api/console/notifications"],
      ["GET", c],
      ["GET", `${c}/attachments`],
      ["GET", "/api/console/accounts/acc_x"],
      ["POST", "/api/console/conversations"],
      ["POST", "/api/console/accounts"],
      ["POST", `${c}/read`],
      ["PATCH", c],
      ["POST", `${c}/end`],
      ["POST", `${c}/transcript`],
      ["POST", `${c}/notify-admins`],
      ["POST", `${c}/attachments`],
      ["DELETE", `${c}/attachments/att_x`],
      ["DELETE", c],
      ["PATCH", "/api/console/accounts/acc_x"],
      ["POST", "/api/console/accounts/acc_x/contacts"],
      ["DELETE", "/api/console/accounts/acc_x/contacts/ct_x"],
    ];
    for (const [method, path] of routes) {
      const anonymous = await call(path, { method, headers: { origin: BASE, "content-type": "application/json" }, ...(method === "GET" ? {} : { body: "{}" }) });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      if (method === "GET") continue;
      const crossSite = await call(path, {
        method,
        headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
        body: "{}",
      });
      expect(crossSite.status, `${method} ${path}`).toBe(403);
      expect(((await crossSite.json()) as ErrorBody).error.code).toBe("cross_origin");
    }
    const { conversation: unchanged } = await asAgent(cookie).json<{ conversation: ConversationDetail }>(c);
    expect(unchanged.status).toBe("queued");
  });
});
