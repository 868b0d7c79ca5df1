import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LATEST_MIGRATION } from "../../worker/ops/schema-version";
import { call, createWorkspace } from "./fixtures";

afterEach(() => vi.restoreAllMocks());

describe("GET /healthz", () => {
  it("names the newest file in migrations/ as the one the code expects", () => {
    expect(LATEST_MIGRATION).toBe(env.TEST_MIGRATIONS.map((m) => m.name).sort().at(-1));
  });

  it("answers 200 when D1 has every migration, and 503 naming the missing one when it has not", async () => {
    const ok = await call("/healthz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, d1: "reachable", migrations: { expected: LATEST_MIGRATION, newest: LATEST_MIGRATION } });
    const row = await env.DB.prepare("SELECT id, name, applied_at FROM d1_migrations WHERE name = ?").bind(LATEST_MIGRATION).first<{ id: number; name: string; applied_at: string }>();
    await env.DB.prepare("DELETE FROM d1_migrations WHERE name = ?").bind(LATEST_MIGRATION).run();
    try {
      const behind = await call("/healthz");
      expect(behind.status).toBe(503);
      expect(await behind.json()).toMatchObject({ ok: false, problem: `migration ${LATEST_MIGRATION} is not applied` });
    } finally {
      await env.DB.prepare("INSERT INTO d1_migrations (id, name, applied_at) VALUES (?, ?, ?)").bind(row!.id, row!.name, row!.applied_at).run();
    }
    expect((await call("/healthz")).status).toBe(200);
  });
});

describe("the request log", () => {
  it("writes one JSON line per request with the route's pattern, never its ids, query, tokens or body", async () => {
    const ws = await createWorkspace();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const res = await call("/api/v1/conversations/cv_secret_id/messages?since=0&token=tok-secret", {
      headers: { authorization: `Bearer ${ws.apiKey}` },
    });
    expect(res.status).toBe(404);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === "request");
    expect(logged).toEqual([{ event: "request", method: "GET", route: "/api/v1/conversations/:id/messages", status: 404, ms: expect.any(Number) }]);
    expect(lines.join("\n")).not.toMatch(/cv_secret_id|tok-secret|key-/);
  });
});
