import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdminAgent } from "../../protocol/admin";
import { MIN_PASSWORD_LENGTH } from "../../protocol/limits";
import { deleteAgent } from "../../worker/db/admin-agents";
import { call, postJson } from "./fixtures";
import { errorOf, newAdmin, newPlainAgent, signInAs, type AdminClient } from "./console-admin-helpers";

const uniqueEmail = () => `new-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function agents(admin: AdminClient): Promise<AdminAgent[]> {
  return (await admin.json<{ agents: AdminAgent[] }>("GET", "/agents")).agents;
}

async function signInStatus(email: string, password: string): Promise<number> {
  return (await postJson("/api/console/session", { email, password })).status;
}

describe("Administration: agents", () => {
  it("creates an agent with an initial password they sign in with, stored as a PBKDF2 hash", async () => {
    const admin = await newAdmin();
    const email = uniqueEmail();
    const { agent } = await admin.json<{ agent: AdminAgent }>(
      "POST",
      "/agents",
      { name: "Ada Agent", email, role: "agent", password: "initial password" },
      201,
    );
    expect(agent).toMatchObject({ name: "Ada Agent", email, role: "agent" });
    expect((await agents(admin)).map((a) => a.email)).toContain(email);
    const row = await env.DB.prepare("SELECT password_hash FROM agents WHERE id = ?").bind(agent.id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(row!.password_hash).not.toContain("initial password");
    const cookie = await signInAs(email, "initial password");
    const me = (await (await call("/api/console/me", { headers: { cookie } })).json()) as { agent: { role: string; workspaceId: string } };
    expect(me.agent).toMatchObject({ role: "agent", workspaceId: admin.workspaceId });
  });

  it("refuses bad input with a message naming the field, and an email already in use with 409", async () => {
    const admin = await newAdmin();
    const valid = { name: "Ada", email: uniqueEmail(), role: "agent", password: "initial password" };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, email: "not-an-email" }, /^email: /],
      [{ ...valid, password: "short" }, new RegExp(`^password: password is at least ${MIN_PASSWORD_LENGTH} characters`)],
      [{ ...valid, password: "x".repeat(MIN_PASSWORD_LENGTH - 1) }, new RegExp(`^password: password is at least ${MIN_PASSWORD_LENGTH} characters`)],
      [{ ...valid, role: "owner" }, /^role: /],
      [{ ...valid, name: "" }, /^name: name is required/],
    ];
    for (const [body, message] of cases) {
      const error = await errorOf(await admin.request("POST", "/agents", body));
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(error.message).toMatch(message);
    }
    const other = await newAdmin();
    const taken = await errorOf(await admin.request("POST", "/agents", { ...valid, email: other.agentEmail.toUpperCase() }));
    expect(taken).toMatchObject({ status: 409, code: "email_taken" });
    expect(taken.message).toContain("already has an agent account");
    expect(await agents(admin)).toHaveLength(1);
  });

  it("renames, promotes and demotes; the new role applies to the next request", async () => {
    const admin = await newAdmin();
    const plain = await newPlainAgent(admin);
    expect((await plain.request("GET", "/channels")).status).toBe(403);
    const { agent } = await admin.json<{ agent: AdminAgent }>("PUT", `/agents/${plain.agentId}`, { name: "Promoted", role: "admin" });
    expect(agent).toMatchObject({ id: plain.agentId, name: "Promoted", role: "admin" });
    expect((await plain.request("GET", "/channels")).status).toBe(200);
    await admin.json("PUT", `/agents/${plain.agentId}`, { name: "Promoted", role: "agent" });
    expect((await plain.request("GET", "/channels")).status).toBe(403);
    expect((await errorOf(await admin.request("PUT", `/agents/${plain.agentId}`, { name: "X", role: "boss" }))).message).toMatch(/^role: /);
  });

  it("never leaves a workspace without an admin", async () => {
    const admin = await newAdmin();
    const me = (await agents(admin))[0]!;
    const demote = await errorOf(await admin.request("PUT", `/agents/${me.id}`, { name: me.name, role: "agent" }));
    expect(demote).toMatchObject({ status: 409, code: "last_admin" });
    expect(demote.message).toContain("last admin");
    expect((await agents(admin))[0]!.role).toBe("admin");

    const second = await newPlainAgent(admin);
    await admin.json("PUT", `/agents/${second.agentId}`, { name: "Second admin", role: "admin" });
    // With a second admin the first may step down; then the second is the last one.
    await admin.json("PUT", `/agents/${me.id}`, { name: me.name, role: "agent" });
    const demoteLast = await errorOf(await second.request("PUT", `/agents/${second.agentId}`, { name: "Second admin", role: "agent" }));
    expect(demoteLast).toMatchObject({ status: 409, code: "last_admin" });
    expect((await agents(second)).map((a) => a.role).sort()).toEqual(["admin", "agent"]);
  });

  it("never deletes the last admin, even when two admins delete each other at once", async () => {
    const admin = await newAdmin();
    const second = await newPlainAgent(admin);
    await admin.json("PUT", `/agents/${second.agentId}`, { name: "Second admin", role: "admin" });
    const me = (await agents(admin)).find((a) => a.email === admin.agentEmail)!;
    const results = await Promise.allSettled([
      deleteAgent(env.DB, admin.workspaceId, me.id),
      deleteAgent(env.DB, admin.workspaceId, second.agentId),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected")!.reason as { status: number; code: string };
    expect(refused).toMatchObject({ status: 409, code: "last_admin" });
    const { count } = (await env.DB.prepare("SELECT COUNT(*) AS count FROM agents WHERE workspace_id = ? AND role = 'admin'")
      .bind(admin.workspaceId)
      .first<{ count: number }>())!;
    expect(count).toBe(1);
  });

  it("deletes an agent: they are signed out, their conversations lose their responsible agent", async () => {
    const admin = await newAdmin();
    const plain = await newPlainAgent(admin);
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, status, agent_id, created_at, activity_at) VALUES (?, 'cv_owned', ?, 'ct_x', 'Owned', 'active', ?, ?, ?)",
    )
      .bind(admin.workspaceId, admin.channelId, plain.agentId, now, now)
      .run();
    expect((await call("/api/console/me", { headers: { cookie: plain.cookie } })).status).toBe(200);
    expect((await admin.request("DELETE", `/agents/${plain.agentId}`)).status).toBe(204);
    expect((await agents(admin)).map((a) => a.id)).not.toContain(plain.agentId);
    expect((await call("/api/console/me", { headers: { cookie: plain.cookie } })).status).toBe(401);
    const owned = await env.DB.prepare("SELECT agent_id FROM conversations WHERE workspace_id = ? AND id = 'cv_owned'")
      .bind(admin.workspaceId)
      .first<{ agent_id: string | null }>();
    expect(owned!.agent_id).toBeNull();
    expect((await errorOf(await admin.request("DELETE", `/agents/${plain.agentId}`))).status).toBe(404);
  });

  it("refuses to delete the admin's own account", async () => {
    const admin = await newAdmin();
    const second = await newPlainAgent(admin);
    await admin.json("PUT", `/agents/${second.agentId}`, { name: "Second admin", role: "admin" });
    const me = (await agents(admin)).find((a) => a.email === admin.agentEmail)!;
    const error = await errorOf(await admin.request("DELETE", `/agents/${me.id}`));
    expect(error).toMatchObject({ status: 409, code: "own_account" });
    expect((await agents(admin)).map((a) => a.id)).toContain(me.id);
  });

  it("sets a new password: the old one stops working and the agent's sessions end", async () => {
    const admin = await newAdmin();
    const email = uniqueEmail();
    const { agent } = await admin.json<{ agent: AdminAgent }>("POST", "/agents", { name: "Bo", email, role: "agent", password: "first password" }, 201);
    const cookie = await signInAs(email, "first password");
    expect((await errorOf(await admin.request("PUT", `/agents/${agent.id}/password`, { password: "short" }))).message).toMatch(/^password: /);
    expect(await signInStatus(email, "first password")).toBe(200);
    expect((await admin.request("PUT", `/agents/${agent.id}/password`, { password: "second password" })).status).toBe(204);
    expect(await signInStatus(email, "first password")).toBe(401);
    expect(await signInStatus(email, "second password")).toBe(200);
    expect((await call("/api/console/me", { headers: { cookie } })).status).toBe(401);
    // An admin changing their own password stays signed in here; their other sessions end.
    const me = (await agents(admin)).find((a) => a.email === admin.agentEmail)!;
    const elsewhere = await signInAs(admin.agentEmail, "correct horse battery");
    expect((await admin.request("PUT", `/agents/${me.id}/password`, { password: "my new password" })).status).toBe(204);
    expect((await call("/api/console/me", { headers: { cookie: admin.cookie } })).status).toBe(200);
    expect((await call("/api/console/me", { headers: { cookie: elsewhere } })).status).toBe(401);
  });

  it("answers 404 for an agent that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("PUT", "/agents/ag_missing", { name: "X", role: "agent" }))).status).toBe(404);
    expect((await errorOf(await admin.request("PUT", "/agents/ag_missing/password", { password: "long enough password" }))).status).toBe(404);
    expect((await errorOf(await admin.request("DELETE", "/agents/ag_missing"))).status).toBe(404);
  });
});
