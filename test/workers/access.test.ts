import { describe, expect, it } from "vitest";
import { signConversationToken } from "../../worker/auth/conversation-token";
import { agentOnline, call, createWorkspace, postJson, signIn, startConversation, TestSocket } from "./fixtures";

async function socketStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await call(path, { headers: { upgrade: "websocket", ...headers } });
  return res.status;
}

describe("who may read and join a conversation", () => {
  it("a visitor's token opens only its own conversation", async () => {
    const ws = await createWorkspace();
    const a = await startConversation(ws, "A's question");
    const b = await startConversation(ws, "B's question");
    expect(await socketStatus(`/api/widget/conversations/${b.conversation.id}/socket?token=${encodeURIComponent(a.token)}`)).toBe(401);
    const own = await TestSocket.visitor(a.conversation.id, a.token);
    own.send({ type: "resume", since: 0 });
    const history = await own.next<"history">((f) => f.type === "history");
    expect(history.messages.map((m) => m.body)).toEqual(["A's question"]);
  });

  it("a tampered, forged or missing token is refused", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const [body, sig] = token.split(".");
    const flipped = `${body}.${sig!.slice(0, -2)}${sig!.endsWith("A") ? "B" : "A"}A`;
    const forged = await signConversationToken("another-secret-another-secret-0000", {
      conversationId: conversation.id,
      workspaceId: ws.workspaceId,
      channelId: "x",
    });
    for (const bad of [flipped, forged, "", "a.b.c", "%%%"]) {
      expect(await socketStatus(`/api/widget/conversations/${conversation.id}/socket?token=${encodeURIComponent(bad)}`)).toBe(401);
    }
  });

  it("an agent reaches only their own workspace's conversations", async () => {
    const x = await createWorkspace();
    const y = await createWorkspace();
    const inY = await startConversation(y, "Y's secret");
    const cookieX = await signIn(x);
    expect((await call(`/api/console/conversations/${inY.conversation.id}`, { headers: { cookie: cookieX } })).status).toBe(404);
    expect(await socketStatus(`/api/console/conversations/${inY.conversation.id}/socket`, { cookie: cookieX })).toBe(404);
    const inbox = await call("/api/console/conversations", { headers: { cookie: cookieX } });
    expect(((await inbox.json()) as { conversations: unknown[] }).conversations).toEqual([]);
    const cookieY = await signIn(y);
    const inboxY = (await (await call("/api/console/conversations", { headers: { cookie: cookieY } })).json()) as {
      conversations: { id: string }[];
    };
    expect(inboxY.conversations.map((c) => c.id)).toEqual([inY.conversation.id]);
  });

  it("an API key reaches only its own workspace", async () => {
    const x = await createWorkspace();
    const y = await createWorkspace();
    const inY = await startConversation(y);
    const asX = { authorization: `Bearer ${x.apiKey}` };
    expect((await call(`/api/v1/conversations/${inY.conversation.id}`, { headers: asX })).status).toBe(404);
    expect((await call(`/api/v1/conversations/${inY.conversation.id}/messages`, { headers: asX })).status).toBe(404);
    const asY = { authorization: `Bearer ${y.apiKey}` };
    const messages = (await (await call(`/api/v1/conversations/${inY.conversation.id}/messages`, { headers: asY })).json()) as {
      messages: { body: string }[];
    };
    expect(messages.messages.map((m) => m.body)).toEqual(["I cannot log in to the portal"]);
  });

  it("no credentials, or wrong ones, get 401 everywhere", async () => {
    const ws = await createWorkspace();
    const { conversation } = await startConversation(ws);
    for (const [path, headers] of [
      ["/api/console/me", {}],
      ["/api/console/conversations", {}],
      [`/api/console/conversations/${conversation.id}`, { cookie: "parley_session=forged" }],
      ["/api/v1/conversations", {}],
      ["/api/v1/conversations", { authorization: "Bearer wrong" }],
      [`/api/v1/conversations/${conversation.id}/messages`, { authorization: "Basic abc" }],
    ] as const) {
      const res = await call(path, { headers });
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect(await socketStatus(`/api/console/conversations/${conversation.id}/socket`)).toBe(401);
  });

  it("console sockets and changes refuse other origins (cross-site requests ride on cookies)", async () => {
    const ws = await createWorkspace();
    const { conversation } = await startConversation(ws);
    const cookie = await signIn(ws);
    expect(
      await socketStatus(`/api/console/conversations/${conversation.id}/socket`, { cookie, origin: "https://evil.example" }),
    ).toBe(403);
    const res = await postJson("/api/console/session", { email: ws.agentEmail, password: "x" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  it("the widget API answers only pages on the channel's allowed origins", async () => {
    const ws = await createWorkspace({ allowedOrigins: ["https://shop.example"] });
    await agentOnline(ws);
    const body = { name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "hi" } };
    const denied = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, body, { origin: "https://evil.example" });
    expect(denied.status).toBe(403);
    const allowed = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, body, { origin: "https://shop.example" });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    const preflight = await call(`/api/widget/channels/${ws.channelKey}/conversations`, {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Content-Type");
  });
});

describe("agent sign-in", () => {
  it("signs in with the right password, sets an HttpOnly SameSite cookie, and signs out", async () => {
    const ws = await createWorkspace();
    const res = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(";")[0]!;
    expect((await call("/api/console/me", { headers: { cookie } })).status).toBe(200);
    expect((await call("/api/console/session", { method: "DELETE", headers: { cookie } })).status).toBe(204);
    expect((await call("/api/console/me", { headers: { cookie } })).status).toBe(401);
  });

  it("a wrong password or unknown email gets the same clear 401", async () => {
    const ws = await createWorkspace();
    for (const body of [
      { email: ws.agentEmail, password: "wrong" },
      { email: "nobody@example.com", password: "wrong" },
    ]) {
      const res = await postJson("/api/console/session", body);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "invalid_credentials", message: "wrong email or password" } });
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("rate-limits repeated attempts with 429 and Retry-After", async () => {
    const ws = await createWorkspace();
    const headers = { "cf-connecting-ip": "10.66.0.1" };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await postJson("/api/console/session", { email: ws.agentEmail, password: "guess" }, headers)).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const last = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, headers);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
