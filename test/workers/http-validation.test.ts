import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agentOnline, call, createWorkspace, freshIp, postJson, signIn } from "./fixtures";

async function conversationCount(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const good = () => ({ name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "Hello" } });

describe("starting a conversation rejects bad input clearly and creates nothing", () => {
  const cases: [string, (b: ReturnType<typeof good>) => unknown, string][] = [
    ["a missing name", (b) => ({ ...b, name: undefined }), "name"],
    ["a blank name", (b) => ({ ...b, name: "   " }), "name"],
    ["a bad email", (b) => ({ ...b, email: "not-an-email" }), "email"],
    ["an empty message", (b) => ({ ...b, message: { ...b.message, body: "" } }), "message.body"],
    ["a message over the limit", (b) => ({ ...b, message: { ...b.message, body: "x".repeat(4001) } }), "message.body"],
    ["a missing clientId", (b) => ({ ...b, message: { body: "hi" } }), "message.clientId"],
    ["an array body", () => [1, 2], "expected object"],
  ];
  it.each(cases)("%s", async (_name, mutate, mentions) => {
    const ws = await createWorkspace();
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, mutate(good()));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain(mentions);
    expect(await conversationCount(ws.workspaceId)).toBe(0);
  });

  it("malformed JSON", async () => {
    const ws = await createWorkspace();
    const res = await call(`/api/widget/channels/${ws.channelKey}/conversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name": "Ann",',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "malformed_json", message: "the body is not valid JSON" } });
    expect(await conversationCount(ws.workspaceId)).toBe(0);
  });

  it("a body that is not JSON", async () => {
    const ws = await createWorkspace();
    const res = await call(`/api/widget/channels/${ws.channelKey}/conversations`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name=Ann",
    });
    expect(res.status).toBe(415);
    expect(await conversationCount(ws.workspaceId)).toBe(0);
  });

  it("an oversized body", async () => {
    const ws = await createWorkspace();
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { ...good(), pad: "x".repeat(70_000) });
    expect(res.status).toBe(413);
    expect(await conversationCount(ws.workspaceId)).toBe(0);
  });

  it("an unknown channel", async () => {
    const res = await postJson("/api/widget/channels/no-such-channel/conversations", good());
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});

describe("other HTTP errors", () => {
  it("an unknown API route is a JSON 404", async () => {
    const res = await call("/api/nothing/here");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("a bad inbox page size names the rule", async () => {
    const ws = await createWorkspace();
    const res = await call("/api/console/conversations?limit=7", { headers: { cookie: await signIn(ws) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("limit: limit must be 25, 50, 100, 250");
  });

  it("a socket route asked without an upgrade says so", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const start = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, good());
    const { conversation, token } = (await start.json()) as { conversation: { id: string }; token: string };
    const res = await call(`/api/widget/conversations/${conversation.id}/socket?token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(426);
  });

  it("limits new conversations per address: 429 with Retry-After after six in the window", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, good(), { "cf-connecting-ip": ip });
      statuses.push(res.status);
      if (res.status === 429) {
        const retryAfter = Number(res.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(12 * 3600);
      }
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429]);
    expect(await conversationCount(ws.workspaceId)).toBe(6);
  });
});
