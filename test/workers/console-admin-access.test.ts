import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { queueEmail } from "../../worker/email/outbox";
import { call } from "./fixtures";
import { errorOf, newAdmin, newPlainAgent, type AdminClient } from "./console-admin-helpers";

type Ids = { channel: string; faq: string; agent: string; team: string; apiKey: string; email: string };

/** Every Administration endpoint, with a valid body, aimed at the rows of the workspace `ids` name. */
function endpoints(ids: Ids): { method: string; path: string; body?: unknown; byId: boolean }[] {
  const key = `k-${crypto.randomUUID().slice(0, 8)}`;
  return [
    { method: "GET", path: "/channels", byId: false },
    { method: "POST", path: "/channels", body: { key, name: "New" }, byId: false },
    { method: "GET", path: `/channels/${ids.channel}`, byId: true },
    { method: "PUT", path: `/channels/${ids.channel}`, body: { key, name: "Taken over", allowedOrigins: [], config: {} }, byId: true },
    { method: "POST", path: `/channels/${ids.channel}/identity-secret`, byId: true },
    { method: "DELETE", path: `/channels/${ids.channel}/identity-secret`, byId: true },
    { method: "GET", path: "/faqs", byId: false },
    { method: "POST", path: "/faqs", body: { question: "Q?", answer: "A." }, byId: false },
    { method: "PUT", path: `/faqs/${ids.faq}`, body: { question: "Changed?", answer: "Changed." }, byId: true },
    { method: "DELETE", path: `/faqs/${ids.faq}`, byId: true },
    { method: "GET", path: "/agents", byId: false },
    {
      method: "POST",
      path: "/agents",
      body: { name: "Intruder", email: `${key}@example.com`, role: "admin", password: "long enough password" },
      byId: false,
    },
    { method: "PUT", path: `/agents/${ids.agent}`, body: { name: "Renamed", role: "admin" }, byId: true },
    { method: "PUT", path: `/agents/${ids.agent}/password`, body: { password: "taken over password" }, byId: true },
    { method: "DELETE", path: `/agents/${ids.agent}`, byId: true },
    { method: "GET", path: "/teams", byId: false },
    { method: "POST", path: "/teams", body: { name: `Team ${key}`, memberIds: [] }, byId: false },
    { method: "PUT", path: `/teams/${ids.team}`, body: { name: "Renamed", memberIds: [] }, byId: true },
    { method: "DELETE", path: `/teams/${ids.team}`, byId: true },
    { method: "GET", path: "/api-keys", byId: false },
    { method: "POST", path: "/api-keys", body: { name: "Sneaky" }, byId: false },
    { method: "POST", path: `/api-keys/${ids.apiKey}/revoke`, byId: true },
    { method: "GET", path: "/emails", byId: false },
    { method: "GET", path: `/emails/${ids.email}`, byId: true },
  ];
}

/** Everything Administration shows of a workspace, to prove a refused request changed nothing. */
async function snapshot(admin: AdminClient): Promise<unknown> {
  const parts = await Promise.all(
    ["/channels", "/faqs", "/agents", "/teams", "/api-keys", "/emails"].map((p) => admin.json<unknown>("GET", p)),
  );
  return parts;
}

describe("who may use Administration", () => {
  let x: AdminClient;
  let y: AdminClient;
  let yAgent: Awaited<ReturnType<typeof newPlainAgent>>;
  let ids: Ids;

  beforeAll(async () => {
    x = await newAdmin();
    y = await newAdmin({ identitySecret: "y-identity-secret" });
    yAgent = await newPlainAgent(y);
    const { faq } = await y.json<{ faq: { id: string } }>("POST", "/faqs", { question: "Y's question?", answer: "Y's answer." }, 201);
    const { team } = await y.json<{ team: { id: string } }>("POST", "/teams", { name: "Y team", memberIds: [yAgent.agentId] }, 201);
    const { apiKey } = await y.json<{ apiKey: { id: string } }>("POST", "/api-keys", { name: "Y key" }, 201);
    await queueEmail(
      env,
      { workspaceId: y.workspaceId, to: "customer@example.com", idempotencyKey: `y-${y.workspaceId}` },
      { template: "admin_alert", data: { conversationId: null, subject: "Y's private email", text: "secret" } },
    );
    const { emails } = await y.json<{ emails: { id: string }[] }>("GET", "/emails");
    ids = { channel: y.channelId, faq: faq.id, agent: yAgent.agentId, team: team.id, apiKey: apiKey.id, email: emails[0]!.id };
  });

  it("answers 401 without a session", async () => {
    for (const e of endpoints(ids)) {
      const res = await call(`/api/console/admin${e.path}`, {
        method: e.method,
        headers: { "content-type": "application/json" },
        body: e.body === undefined ? undefined : JSON.stringify(e.body),
      });
      expect([e.method, e.path, res.status]).toEqual([e.method, e.path, 401]);
    }
  });

  it("answers 403 to an agent who is not an admin, and changes nothing", async () => {
    const before = await snapshot(y);
    for (const e of endpoints(ids)) {
      const res = await yAgent.request(e.method, e.path, e.body);
      const error = await errorOf(res);
      expect([e.method, e.path, error.status, error.code]).toEqual([e.method, e.path, 403, "forbidden"]);
      expect(error.message).toMatch(/admin/);
    }
    expect(await snapshot(y)).toEqual(before);
  });

  it("answers 403 to a request from another origin, and changes nothing", async () => {
    const before = await snapshot(y);
    for (const e of endpoints(ids).filter((e) => e.method !== "GET")) {
      const res = await call(`/api/console/admin${e.path}`, {
        method: e.method,
        headers: { cookie: y.cookie, origin: "https://evil.example", "content-type": "application/json" },
        body: e.body === undefined ? undefined : JSON.stringify(e.body),
      });
      expect([e.method, e.path, res.status]).toEqual([e.method, e.path, 403]);
    }
    expect(await snapshot(y)).toEqual(before);
  });

  it("answers 404 to an admin of another workspace for every one of its rows, and changes nothing", async () => {
    const before = await snapshot(y);
    for (const e of endpoints(ids).filter((e) => e.byId)) {
      const error = await errorOf(await x.request(e.method, e.path, e.body));
      expect([e.method, e.path, error.status, error.code]).toEqual([e.method, e.path, 404, "not_found"]);
    }
    expect(await snapshot(y)).toEqual(before);
  });

  it("lists only the admin's own workspace", async () => {
    const [channels, faqs, agents, teams, apiKeys, emails] = (await snapshot(x)) as [
      { channels: { id: string }[] },
      { faqs: { id: string }[] },
      { agents: { id: string }[] },
      { teams: { id: string }[] },
      { apiKeys: { id: string }[] },
      { emails: { id: string }[] },
    ];
    expect(channels.channels.map((c) => c.id)).toEqual([x.channelId]);
    expect(faqs.faqs.map((f) => f.id)).not.toContain(ids.faq);
    expect(agents.agents.map((a) => a.id)).not.toContain(ids.agent);
    expect(teams.teams.map((t) => t.id)).not.toContain(ids.team);
    expect(apiKeys.apiKeys.map((k) => k.id)).not.toContain(ids.apiKey);
    expect(emails.emails.map((e) => e.id)).not.toContain(ids.email);
  });

  it("creates in the admin's own workspace whatever the body says", async () => {
    const { faq } = await x.json<{ faq: { id: string } }>(
      "POST",
      "/faqs",
      { question: "Mine?", answer: "Yes.", workspaceId: y.workspaceId },
      201,
    );
    const row = await env.DB.prepare("SELECT workspace_id FROM faqs WHERE id = ?").bind(faq.id).first<{ workspace_id: string }>();
    expect(row?.workspace_id).toBe(x.workspaceId);
  });

  it("refuses to tie a FAQ or a team to another workspace's channel or agent", async () => {
    const faq = await errorOf(await x.request("POST", "/faqs", { question: "Q?", answer: "A.", channelId: y.channelId }));
    expect(faq).toMatchObject({ status: 400, code: "invalid_request" });
    expect(faq.message).toMatch(/^channelId: /);
    const team = await errorOf(await x.request("POST", "/teams", { name: "Poachers", memberIds: [ids.agent] }));
    expect(team).toMatchObject({ status: 400, code: "invalid_request" });
    expect(team.message).toMatch(/^memberIds: /);
  });
});
