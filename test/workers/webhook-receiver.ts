import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { dispatcherFor } from "../../worker/webhooks/emit";
import { call, type Workspace } from "./fixtures";

export const RECEIVER = "https://receiver.example/parley";

export type Captured = { url: string; headers: Record<string, string>; body: string; status: number };

/** Stands in for the integrator's server: records each delivery and answers with the given statuses in turn. */
export function receiver(statuses: number[] = [200]) {
  const seen: Captured[] = [];
  // The endpoint's host is looked up before each round of deliveries: the test resolver answers.
  const resolver = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith(env.DOH_URL)) return resolver(input, init);
    if (!url.startsWith("https://receiver.example/")) return new Response("unexpected", { status: 599 });
    const status = statuses[Math.min(seen.length, statuses.length - 1)]!;
    seen.push({ url, headers: Object.fromEntries(new Headers(init?.headers)), body: String(init?.body), status });
    return new Response("ok", { status });
  });
  return seen;
}

export function api(ws: Workspace, path: string, method = "GET", body?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

export async function register(ws: Workspace, events: string[], url = RECEIVER) {
  const res = await api(ws, "/webhooks", "POST", { url, events });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

/** Makes every queued delivery due and runs the endpoint's alarm until none is still marked due. */
export async function deliverNow(ws: Workspace, endpointId: string) {
  const stub = dispatcherFor(env, ws.workspaceId, endpointId);
  await runInDurableObject(stub, async (_o, state) => {
    state.storage.sql.exec("UPDATE queue SET next_attempt_at = 1");
    await state.storage.setAlarm(Date.now());
  });
  for (let i = 0; i < 100; i++) {
    await runDurableObjectAlarm(stub);
    const stillDue = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM queue WHERE next_attempt_at = 1").one().n,
    );
    if (stillDue === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the dispatcher never ran");
}

/** Waits until the receiver has seen a delivery matching `pred` (events leave rooms on their own alarms). */
export async function seenWhere(
  seen: Captured[],
  ws: Workspace,
  endpointId: string,
  pred: (c: Captured) => boolean,
  ms = 10_000,
  /** Runs each round first: e.g. the room's alarm, which hands its events to the dispatcher. */
  poke: () => Promise<unknown> = async () => undefined,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = seen.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no such delivery; seen: ${seen.map((s) => s.headers["parley-event"]).join(", ")}`);
    await poke().catch(() => undefined);
    await deliverNow(ws, endpointId).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
}
