import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LoginLinkResponse } from "../../protocol/login-links";
import { LIMITS } from "../../protocol/limits";
import { BASE, call, createWorkspace, freshIp, type Workspace } from "./fixtures";

const api = (ws: Workspace, body: unknown) =>
  call("/api/v1/login-links", {
    method: "POST",
    headers: { authorization: `Bearer ${ws.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function mint(ws: Workspace, body: unknown): Promise<LoginLinkResponse> {
  const res = await api(ws, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as LoginLinkResponse;
}

const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;
const follow = (token: string) =>
  call("/console/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": freshIp() },
    body: new URLSearchParams({ token }).toString(),
    redirect: "manual",
  });
const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";")[0]!;

describe("login links (single sign-on from a host platform)", () => {
  it("signs the agent in once: opening the page spends nothing, Continue makes a session and opens the conversation", async () => {
    const ws = await createWorkspace();
    const link = await mint(ws, { email: ws.agentEmail, conversationId: "cv_from_crm" });
    expect(link.url).toMatch(new RegExp(`^${BASE}/console/login\\?token=[\\w-]{40,}$`));
    expect(link.expiresAt - Date.now()).toBeLessThanOrEqual(LIMITS.loginLinkTtlMs);
    expect(link.agent).toMatchObject({ email: ws.agentEmail, created: false });

    // A mail scanner or a link preview fetches the page: nothing is spent.
    for (let i = 0; i < 2; i++) {
      const page = await call(`/console/login?token=${tokenOf(link.url)}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("set-cookie")).toBeNull();
      expect(page.headers.get("content-security-policy")).toContain("form-action 'self'");
      expect(await page.text()).toContain('<button type="submit">Continue</button>');
    }

    const signedIn = await follow(tokenOf(link.url));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/console#c=cv_from_crm");
    const me = await call("/api/console/me", { headers: { cookie: cookieOf(signedIn), origin: BASE } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { agent: { email: string } }).agent.email).toBe(ws.agentEmail);

    // Once only.
    const again = await follow(tokenOf(link.url));
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("provisions the platform's user on first use with create, and refuses an unknown one without it", async () => {
    const ws = await createWorkspace();
    const email = `newcomer-${crypto.randomUUID().slice(0, 8)}@crm.example`;
    const refused = await api(ws, { email });
    expect(refused.status).toBe(404);
    expect(await env.DB.prepare("SELECT 1 FROM agents WHERE email = ?").bind(email).first()).toBeNull();
    expect((await api(ws, { email, create: true })).status).toBe(400); // a new agent needs a name

    const link = await mint(ws, { email, name: "Nora Newcomer", create: true });
    expect(link.agent).toMatchObject({ email, name: "Nora Newcomer", created: true });
    const second = await mint(ws, { email, name: "Ignored", create: true });
    expect(second.agent).toMatchObject({ id: link.agent.id, name: "Nora Newcomer", created: false });
    const row = await env.DB.prepare("SELECT workspace_id, role FROM agents WHERE email = ?").bind(email).first();
    expect(row).toEqual({ workspace_id: ws.workspaceId, role: "agent" });
    expect((await follow(tokenOf(link.url))).status).toBe(303);
  });

  it("reaches only the caller's own workspace: another workspace's agent is unknown and cannot be created over", async () => {
    const [ours, theirs] = await Promise.all([createWorkspace(), createWorkspace()]);
    expect((await api(ours, { email: theirs.agentEmail })).status).toBe(404);
    const taken = await api(ours, { email: theirs.agentEmail, name: "Hijack", create: true });
    expect(taken.status).toBe(409);
    expect(await env.DB.prepare("SELECT workspace_id FROM agents WHERE email = ?").bind(theirs.agentEmail).first()).toEqual({
      workspace_id: theirs.workspaceId,
    });
  });

  it("refuses forged, expired and malformed tokens with one answer, and makes no session", async () => {
    const ws = await createWorkspace();
    const link = await mint(ws, { email: ws.agentEmail });
    await env.DB.prepare("UPDATE login_links SET expires_at = ? WHERE workspace_id = ?").bind(Date.now() - 1, ws.workspaceId).run();
    for (const token of [tokenOf(link.url), "x".repeat(43), `${tokenOf(link.url).slice(0, -1)}A`]) {
      const res = await follow(token);
      expect(res.status, token).toBe(410);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    for (const body of ["", "token=short", `token=${"y".repeat(500)}`]) {
      const res = await call("/console/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      expect(res.status, body).toBe(400);
    }
    expect((await call("/console/login?token=<script>")).status).toBe(410);
  });
});
