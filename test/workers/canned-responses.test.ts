import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CannedResponse, CannedResponseList, ReplyList } from "../../protocol/canned-responses";
import { call, createWorkspace, signIn, type Workspace } from "./fixtures";
import { addAgent, asAgent, insertThread, type ErrorBody } from "./console-fixtures";

type One = { cannedResponse: CannedResponse };

function api(ws: Workspace, path: string, method = "GET", body?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const reply = (shortcut: string, extra: Record<string, unknown> = {}) => ({
  shortcut,
  title: `Title of ${shortcut}`,
  body: "Hello {{contact.name}}, this is {{agent.name}}.",
  ...extra,
});

async function rowCount(workspaceId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM canned_responses WHERE workspace_id = ?").bind(workspaceId).first<{ n: number }>();
  return row!.n;
}

describe("canned responses in the console", () => {
  it("an agent keeps personal ones that nobody else sees; shared ones are for admins to keep", async () => {
    const ws = await createWorkspace();
    const admin = asAgent(await signIn(ws));
    const dana = await addAgent(ws, "agent", "Dana");
    const eli = await addAgent(ws, "agent", "Eli");
    const asDana = asAgent(dana.cookie);

    expect((await admin.post("/api/console/canned-responses", reply("welcome", { scope: "shared" }))).status).toBe(201);
    const mine = await asDana.post("/api/console/canned-responses", reply("dana-sig"));
    expect(mine.status).toBe(201);
    const danaOwn = ((await mine.json()) as One).cannedResponse;
    expect(danaOwn).toMatchObject({ scope: "personal", ownerAgentId: dana.id });

    // An agent cannot keep a shared one, nor change one.
    const before = await rowCount(ws.workspaceId);
    const sharedTry = await asDana.post("/api/console/canned-responses", reply("sneaky", { scope: "shared" }));
    expect(sharedTry.status).toBe(403);
    expect(((await sharedTry.json()) as ErrorBody).error.code).toBe("forbidden");
    const shared = (await asDana.json<CannedResponseList>("/api/console/canned-responses")).cannedResponses.find((r) => r.scope === "shared")!;
    expect((await asDana.patch(`/api/console/canned-responses/${shared.id}`, { body: "defaced" })).status).toBe(403);
    expect((await asDana.delete(`/api/console/canned-responses/${shared.id}`)).status).toBe(403);
    expect(await rowCount(ws.workspaceId)).toBe(before);

    // Another agent's personal reply is not there for Eli, not even to change or delete.
    const asEli = asAgent(eli.cookie);
    expect((await asEli.json<CannedResponseList>("/api/console/canned-responses")).cannedResponses.map((r) => r.shortcut)).toEqual(["welcome"]);
    expect((await asEli.patch(`/api/console/canned-responses/${danaOwn.id}`, { body: "mine now" })).status).toBe(404);
    expect((await asEli.delete(`/api/console/canned-responses/${danaOwn.id}`)).status).toBe(404);
    // Admins do not read personal ones either: they are the agent's own.
    expect((await admin.json<CannedResponseList>("/api/console/canned-responses")).cannedResponses.map((r) => r.shortcut)).toEqual(["welcome"]);

    // Dana sees shared first, then her own, and can edit hers.
    expect((await asDana.json<CannedResponseList>("/api/console/canned-responses")).cannedResponses.map((r) => r.shortcut)).toEqual(["welcome", "dana-sig"]);
    const edited = await asDana.patch(`/api/console/canned-responses/${danaOwn.id}`, { title: "Signature" });
    expect(((await edited.json()) as One).cannedResponse.title).toBe("Signature");
    expect((await admin.patch(`/api/console/canned-responses/${shared.id}`, { variants: { fi: "Hei {{contact.name}}" } })).status).toBe(200);
  });

  it("a shortcut names one reply: a second with the same shortcut is a 409, nothing stored", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    expect((await agent.post("/api/console/canned-responses", reply("refund", { scope: "shared" }))).status).toBe(201);
    const again = await agent.post("/api/console/canned-responses", reply("REFUND", { scope: "shared" }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe("shortcut_taken");
    expect(await rowCount(ws.workspaceId)).toBe(1);
    // A personal one may reuse it: it is that agent's own.
    expect((await agent.post("/api/console/canned-responses", reply("refund"))).status).toBe(201);
  });

  it("refuses bad input field by field", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    for (const bad of [
      reply("has space"),
      reply("ok", { body: "   " }),
      reply("ok", { title: "x".repeat(121) }),
      reply("ok", { variants: { xx: "unknown locale" } }),
      reply("ok", { extra: true }),
      reply("ok", { body: "y".repeat(4001) }),
    ]) {
      const res = await agent.post("/api/console/canned-responses", bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
    expect(await rowCount(ws.workspaceId)).toBe(0);
  });

  it("the `/` list of a thread searches title, body and shortcut, and holds the channel's FAQs", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    await agent.post("/api/console/canned-responses", { shortcut: "refund", title: "Refund policy", body: "Refunds take five days.", scope: "shared" });
    await agent.post("/api/console/canned-responses", { shortcut: "hours", title: "Opening hours", body: "We answer 9 to 17.", scope: "shared" });
    await env.DB.prepare("INSERT INTO faqs (workspace_id, id, channel_id, question, answer, created_at) VALUES (?, 'faq_1', NULL, 'How do refunds work?', 'Within five days.', 1)")
      .bind(ws.workspaceId)
      .run();
    const thread = await insertThread(ws, { subject: "Money back" });
    const all = await agent.json<ReplyList>(`/api/console/conversations/${thread}/replies`);
    expect(all.cannedResponses.map((r) => r.shortcut)).toEqual(["hours", "refund"]);
    expect(all.faqs.map((f) => f.id)).toEqual(["faq_1"]);
    const refunds = await agent.json<ReplyList>(`/api/console/conversations/${thread}/replies?q=refund`);
    expect(refunds.cannedResponses.map((r) => r.shortcut)).toEqual(["refund"]);
    expect(refunds.faqs.map((f) => f.id)).toEqual(["faq_1"]);
    const byBody = await agent.json<ReplyList>(`/api/console/conversations/${thread}/replies?q=five%20days`);
    expect(byBody.cannedResponses.map((r) => r.shortcut)).toEqual(["refund"]);
    // FTS syntax in the query is only words.
    expect((await agent.get(`/api/console/conversations/${thread}/replies?q=${encodeURIComponent('" OR * NEAR(')}`)).status).toBe(200);

    // Another workspace's agent gets neither the thread nor the replies.
    const other = await createWorkspace();
    const stranger = asAgent(await signIn(other));
    expect((await stranger.get(`/api/console/conversations/${thread}/replies`)).status).toBe(404);
    expect((await stranger.json<CannedResponseList>("/api/console/canned-responses")).cannedResponses).toEqual([]);
  });

  it("stops at the personal count per agent, within one statement", async () => {
    const ws = await createWorkspace();
    const agent = await addAgent(ws, "agent", "Prolific");
    const now = Date.now();
    await env.DB.batch(
      Array.from({ length: 200 }, (_, i) =>
        env.DB.prepare(
          "INSERT INTO canned_responses (workspace_id, id, owner_agent_id, shortcut, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, 't', 'b', ?, ?)",
        ).bind(ws.workspaceId, `cr_${i}`, agent.id, `s${i}`, now, now),
      ),
    );
    const res = await asAgent(agent.cookie).post("/api/console/canned-responses", reply("one-more"));
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe("limit_reached");
    expect(await rowCount(ws.workspaceId)).toBe(200);
  });
});

describe("canned responses in the REST API", () => {
  it("CRUD on the shared ones, searchable; personal ones stay out of the API's sight", async () => {
    const ws = await createWorkspace();
    const dana = await addAgent(ws, "agent", "Dana");
    const personal = ((await (await asAgent(dana.cookie).post("/api/console/canned-responses", reply("private"))).json()) as One).cannedResponse;

    const created = await api(ws, "/canned-responses", "POST", { shortcut: "thanks", title: "Thank you", body: "Thanks for waiting, {{contact.name}}." });
    expect(created.status).toBe(201);
    const { cannedResponse } = (await created.json()) as One;
    expect(cannedResponse.scope).toBe("shared");
    expect((await api(ws, "/canned-responses", "POST", { ...reply("x"), scope: "personal" })).status).toBe(400);

    const listed = (await (await api(ws, "/canned-responses")).json()) as CannedResponseList;
    expect(listed.cannedResponses.map((r) => r.shortcut)).toEqual(["thanks"]);
    const searched = (await (await api(ws, "/canned-responses?q=waiting")).json()) as CannedResponseList;
    expect(searched.cannedResponses.map((r) => r.id)).toEqual([cannedResponse.id]);
    expect(((await (await api(ws, "/canned-responses?q=nothing-like-it")).json()) as CannedResponseList).cannedResponses).toEqual([]);

    expect((await api(ws, `/canned-responses/${personal.id}`)).status).toBe(404);
    expect((await api(ws, `/canned-responses/${personal.id}`, "PATCH", { body: "api was here" })).status).toBe(404);
    expect((await api(ws, `/canned-responses/${personal.id}`, "DELETE")).status).toBe(404);

    const patched = await api(ws, `/canned-responses/${cannedResponse.id}`, "PATCH", { title: "Thanks" });
    expect(((await patched.json()) as One).cannedResponse.title).toBe("Thanks");
    expect((await api(ws, `/canned-responses/${cannedResponse.id}`, "DELETE")).status).toBe(204);
    expect((await api(ws, `/canned-responses/${cannedResponse.id}`)).status).toBe(404);
    expect(await rowCount(ws.workspaceId)).toBe(1);

    // Another workspace's key sees none of it.
    const other = await createWorkspace();
    expect(((await (await api(other, "/canned-responses")).json()) as CannedResponseList).cannedResponses).toEqual([]);
    expect((await call("/api/v1/canned-responses")).status).toBe(401);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/canned-responses", "/canned-responses/{id}", "/labels", "/conversations/{id}/labels"]));
  });
});
