import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ApiKeySummary, CreateApiKeyResponse } from "../../protocol/admin";
import { sha256Hex } from "../../worker/auth/encoding";
import { call } from "./fixtures";
import { errorOf, newAdmin } from "./console-admin-helpers";

const asKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe("Administration: API keys", () => {
  it("creates a long random key, shows it once, and stores only its hash", async () => {
    const admin = await newAdmin();
    const created = await admin.json<CreateApiKeyResponse>("POST", "/api-keys", { name: "CRM sync" }, 201);
    expect(created.key).toMatch(/^parley_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: "CRM sync", revokedAt: null });
    expect((await call("/api/v1/conversations", asKey(created.key))).status).toBe(200);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE workspace_id = ? AND id = ?")
      .bind(admin.workspaceId, created.apiKey.id)
      .first<Record<string, unknown>>();
    expect(row!.key_hash).toBe(await sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);

    const listed = await admin.request("GET", "/api-keys");
    const text = await listed.text();
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(row!.key_hash as string);
    expect((JSON.parse(text) as { apiKeys: ApiKeySummary[] }).apiKeys.map((k) => k.name)).toEqual(["CRM sync", "test"]);
  });

  it("revokes a key: the next API request with it gets 401", async () => {
    const admin = await newAdmin();
    const { key, apiKey } = await admin.json<CreateApiKeyResponse>("POST", "/api-keys", { name: "Helpdesk" }, 201);
    expect((await call("/api/v1/conversations", asKey(key))).status).toBe(200);
    const { apiKey: revoked } = await admin.json<{ apiKey: ApiKeySummary }>("POST", `/api-keys/${apiKey.id}/revoke`);
    expect(revoked.revokedAt).toEqual(expect.any(Number));
    expect((await call("/api/v1/conversations", asKey(key))).status).toBe(401);
    // Revoking again keeps the first time; the workspace's other key still works.
    const again = await admin.json<{ apiKey: ApiKeySummary }>("POST", `/api-keys/${apiKey.id}/revoke`);
    expect(again.apiKey.revokedAt).toBe(revoked.revokedAt);
    expect((await call("/api/v1/conversations", asKey(admin.apiKey))).status).toBe(200);
  });

  it("refuses bad input with a message naming the field", async () => {
    const admin = await newAdmin();
    for (const [body, message] of [
      [{ name: "  " }, /^name: name is required/],
      [{ name: "n".repeat(81) }, /^name: name is at most 80/],
      [{}, /^name: /],
    ] as const) {
      const error = await errorOf(await admin.request("POST", "/api-keys", body));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    }
    expect((await admin.json<{ apiKeys: ApiKeySummary[] }>("GET", "/api-keys")).apiKeys).toHaveLength(1);
  });

  it("answers 404 for a key that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("POST", "/api-keys/key_missing/revoke"))).status).toBe(404);
  });
});
