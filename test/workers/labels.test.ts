import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InboxPage } from "../../protocol/console";
import type { Label, LabelList } from "../../protocol/labels";
import { call, createWorkspace, signIn, type Workspace } from "./fixtures";
import { addAgent, asAgent, insertThread, type ErrorBody } from "./console-fixtures";

const RECEIVER = "https://receiver.example/labels";

afterEach(() => vi.restoreAllMocks());

function api(ws: Workspace, path: string, method = "GET", body?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function newLabel(ws: Workspace, name: string, color = "#1f6feb"): Promise<Label> {
  const res = await api(ws, "/labels", "POST", { name, color });
  expect(res.status).toBe(201);
  return ((await res.json()) as { label: Label }).label;
}

async function labelRows(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT conversation_id, label_id FROM conversation_labels WHERE workspace_id = ? ORDER BY conversation_id, label_id")
    .bind(workspaceId)
    .all<{ conversation_id: string; label_id: string }>();
  return results;
}

const inboxIds = async (agent: ReturnType<typeof asAgent>, query: string) =>
  (await agent.json<InboxPage>(`/api/console/conversations?filter=all&${query}`)).conversations.map((c) => c.id);

describe("labels", () => {
  it("only admins manage labels; every agent reads them and labels threads", async () => {
    const ws = await createWorkspace();
    const admin = asAgent(await signIn(ws));
    const agent = asAgent((await addAgent(ws, "agent")).cookie);

    const created = await admin.post("/api/console/labels", { name: "VIP", color: "#FFD700" });
    expect(created.status).toBe(201);
    const vip = ((await created.json()) as { label: Label }).label;
    expect(vip.color).toBe("#ffd700");

    for (const attempt of [
      () => agent.post("/api/console/labels", { name: "Mine", color: "#000000" }),
      () => agent.patch(`/api/console/labels/${vip.id}`, { name: "Nobody" }),
      () => agent.delete(`/api/console/labels/${vip.id}`),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe("forbidden");
    }
    expect((await agent.json<LabelList>("/api/console/labels")).labels).toEqual([vip]);

    const thread = await insertThread(ws, { subject: "Order 1" });
    const labeled = await agent.post(`/api/console/conversations/${thread}/labels`, { labelId: vip.id });
    expect(labeled.status).toBe(200);
    expect(((await labeled.json()) as LabelList).labels).toEqual([vip]);
    // Again is harmless.
    expect((await agent.post(`/api/console/conversations/${thread}/labels`, { labelId: vip.id })).status).toBe(200);
    expect(await labelRows(ws.workspaceId)).toEqual([{ conversation_id: thread, label_id: vip.id }]);
  });

  it("refuses bad names, colours, duplicates and labels of another workspace", async () => {
    const ws = await createWorkspace();
    const admin = asAgent(await signIn(ws));
    for (const bad of [{ name: "", color: "#ffffff" }, { name: "ok", color: "red" }, { name: "ok", color: "#fff" }, { name: "x".repeat(41), color: "#ffffff" }]) {
      expect((await admin.post("/api/console/labels", bad)).status).toBe(400);
    }
    await newLabel(ws, "Billing");
    const dup = await admin.post("/api/console/labels", { name: "billing", color: "#000000" });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as ErrorBody).error.code).toBe("name_taken");

    const other = await createWorkspace();
    const foreign = await newLabel(other, "Theirs");
    const foreignThread = await insertThread(other, { subject: "Not yours" });
    const mine = await insertThread(ws, { subject: "Mine" });
    const wrongLabel = await admin.post(`/api/console/conversations/${mine}/labels`, { labelId: foreign.id });
    expect(wrongLabel.status).toBe(400);
    expect((await admin.post(`/api/console/conversations/${foreignThread}/labels`, { labelId: foreign.id })).status).toBe(404);
    expect((await admin.delete(`/api/console/labels/${foreign.id}`)).status).toBe(404);
    expect((await api(ws, `/conversations/${foreignThread}/labels`, "POST", { labelId: foreign.id })).status).toBe(404);
    expect(await labelRows(ws.workspaceId)).toEqual([]);
    expect(await labelRows(other.workspaceId)).toEqual([]);
    expect((await admin.json<LabelList>("/api/console/labels")).labels.map((l) => l.name)).toEqual(["Billing"]);
  });

  it("the inbox shows chips and filters by every chosen label; search finds the label's name", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const vip = await newLabel(ws, "VIP");
    const billing = await newLabel(ws, "Billing", "#d73a49");
    const a = await insertThread(ws, { subject: "Invoice twice", activityAt: 3000 });
    const b = await insertThread(ws, { subject: "Password", activityAt: 2000 });
    const c = await insertThread(ws, { subject: "Hello", activityAt: 1000 });
    await agent.post(`/api/console/conversations/${a}/labels`, { labelId: vip.id });
    await agent.post(`/api/console/conversations/${a}/labels`, { labelId: billing.id });
    await agent.post(`/api/console/conversations/${b}/labels`, { labelId: vip.id });

    const page = await agent.json<InboxPage>("/api/console/conversations?filter=all");
    expect(page.conversations.map((t) => [t.id, t.labels.map((l) => l.name)])).toEqual([
      [a, ["Billing", "VIP"]],
      [b, ["VIP"]],
      [c, []],
    ]);
    expect(await inboxIds(agent, `labels=${vip.id}`)).toEqual([a, b]);
    expect(await inboxIds(agent, `labels=${vip.id},${billing.id}`)).toEqual([a]);
    expect(await inboxIds(agent, `labels=${billing.id}&attention=answered`)).toEqual([]);
    expect(await inboxIds(agent, "q=vip")).toEqual([a, b]);
    expect(await inboxIds(agent, "q=billing")).toEqual([a]);
    expect((await agent.get("/api/console/conversations?labels=bad%20id")).status).toBe(400);

    // Deleting a label takes it off every thread.
    expect((await agent.delete(`/api/console/labels/${vip.id}`)).status).toBe(204);
    expect(await labelRows(ws.workspaceId)).toEqual([{ conversation_id: a, label_id: billing.id }]);
  });

  it("at most 20 on a conversation", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const thread = await insertThread(ws, { subject: "Many" });
    const labels: Label[] = [];
    for (let i = 0; i < 21; i++) labels.push(await newLabel(ws, `L${i}`));
    for (const l of labels.slice(0, 20)) expect((await agent.post(`/api/console/conversations/${thread}/labels`, { labelId: l.id })).status).toBe(200);
    const over = await agent.post(`/api/console/conversations/${thread}/labels`, { labelId: labels[20]!.id });
    expect(over.status).toBe(409);
    expect(((await over.json()) as ErrorBody).error.code).toBe("limit_reached");
    expect((await labelRows(ws.workspaceId)).length).toBe(20);
  });

  it("REST: list, create, label and unlabel, with conversation.labeled / conversation.unlabeled once each", async () => {
    const resolver = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(env.DOH_URL)) return resolver(input, init);
      return new Response("ok", { status: url.startsWith(RECEIVER) ? 200 : 599 });
    });
    const ws = await createWorkspace();
    const hook = await api(ws, "/webhooks", "POST", { url: RECEIVER, events: ["conversation.labeled", "conversation.unlabeled"] });
    expect(hook.status).toBe(201);
    const urgent = await newLabel(ws, "Urgent", "#ff0000");
    const thread = await insertThread(ws, { subject: "Down" });

    const on = await api(ws, `/conversations/${thread}/labels`, "POST", { labelId: urgent.id });
    expect(((await on.json()) as LabelList).labels).toEqual([urgent]);
    await api(ws, `/conversations/${thread}/labels`, "POST", { labelId: urgent.id });
    expect(((await (await api(ws, `/conversations/${thread}/labels`)).json()) as LabelList).labels).toEqual([urgent]);
    const off = await api(ws, `/conversations/${thread}/labels/${urgent.id}`, "DELETE");
    expect(((await off.json()) as LabelList).labels).toEqual([]);
    await api(ws, `/conversations/${thread}/labels/${urgent.id}`, "DELETE");

    const { results } = await env.DB.prepare("SELECT event_type, payload FROM webhook_deliveries WHERE workspace_id = ? ORDER BY rowid")
      .bind(ws.workspaceId)
      .all<{ event_type: string; payload: string }>();
    expect(results.map((r) => r.event_type)).toEqual(["conversation.labeled", "conversation.unlabeled"]);
    expect(JSON.parse(results[0]!.payload).data).toEqual({ conversation: { id: thread }, label: urgent });
    expect(((await (await api(ws, "/labels")).json()) as LabelList).labels).toEqual([urgent]);
  });
});
