import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { BulkResult } from "../../protocol/bulk-actions";
import type { Label } from "../../protocol/labels";
import { createWorkspace, signIn } from "./fixtures";
import { addAgent, asAgent, insertThread, quietRooms, remember, startChat, type ErrorBody } from "./console-fixtures";

afterEach(quietRooms);

async function flags(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT id, archived, attention, agent_id FROM conversations WHERE workspace_id = ? ORDER BY id")
    .bind(workspaceId)
    .all<{ id: string; archived: number; attention: string; agent_id: string | null }>();
  return results;
}

async function adminAlerts(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT to_address, text_body FROM email_outbox WHERE workspace_id = ? AND template = 'admin_alert'")
    .bind(workspaceId)
    .all<{ to_address: string; text_body: string }>();
  return results;
}

describe("bulk actions on selected conversations", () => {
  it("archives, unarchives and sets attention for all selected; each reports how many succeeded", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const [a, b, c] = [await insertThread(ws, { subject: "A" }), await insertThread(ws, { subject: "B" }), await insertThread(ws, { subject: "C" })];
    const bulk = async (action: unknown, ids = [a, b]) => {
      const res = await agent.post("/api/console/conversations/bulk", { conversationIds: ids, action });
      expect(res.status).toBe(200);
      return (await res.json()) as BulkResult;
    };
    expect(await bulk({ type: "archive" })).toEqual({ succeeded: 2, failed: [] });
    expect((await flags(ws.workspaceId)).filter((r) => r.archived).map((r) => r.id).sort()).toEqual([a, b].sort());
    expect(await bulk({ type: "attention", attention: "answered" }, [a, c])).toEqual({ succeeded: 2, failed: [] });
    expect(await bulk({ type: "unarchive" }, [a, a, b])).toEqual({ succeeded: 2, failed: [] });
    const rows = await flags(ws.workspaceId);
    expect(rows.every((r) => r.archived === 0)).toBe(true);
    expect(rows.filter((r) => r.attention === "answered").map((r) => r.id).sort()).toEqual([a, c].sort());
  });

  it("scoped to the agent's workspace: another workspace's threads fail as not found and stay as they were", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const other = await createWorkspace();
    const theirs = await insertThread(other, { subject: "Someone else's" });
    const before = await flags(other.workspaceId);
    const mine = await insertThread(ws, { subject: "Mine" });

    const res = await agent.post("/api/console/conversations/bulk", { conversationIds: [mine, theirs, "cv_made_up"], action: { type: "archive" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      succeeded: 1,
      failed: [
        { conversationId: theirs, subject: null, code: "not_found", message: "conversation not found" },
        { conversationId: "cv_made_up", subject: null, code: "not_found", message: "conversation not found" },
      ],
    });
    expect(await flags(other.workspaceId)).toEqual(before);

    // Nor does a label or an agent from elsewhere pass.
    const foreignLabel = ((await (await asAgent(await signIn(other)).post("/api/console/labels", { name: "Theirs", color: "#000000" })).json()) as { label: Label }).label;
    const foreignAgent = await addAgent(other, "agent");
    for (const action of [{ type: "label", labelId: foreignLabel.id }, { type: "assign", agentId: foreignAgent.id }]) {
      const refused = await agent.post("/api/console/conversations/bulk", { conversationIds: [mine], action });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as ErrorBody).error.message).toMatch(/no such (label|agent) in this workspace/);
    }
    const ownRows = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversation_labels WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>();
    expect(ownRows!.n).toBe(0);
  });

  it("refuses an empty, oversized or malformed selection", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const thread = await insertThread(ws, { subject: "T" });
    for (const body of [
      { conversationIds: [], action: { type: "archive" } },
      { conversationIds: Array.from({ length: 101 }, (_, i) => `cv_${i}`), action: { type: "archive" } },
      { conversationIds: [thread], action: { type: "explode" } },
      { conversationIds: [thread], action: { type: "attention", attention: "sleepy" } },
      { conversationIds: ["../etc"], action: { type: "archive" } },
    ]) {
      expect((await agent.post("/api/console/conversations/bulk", body)).status).toBe(400);
    }
    expect((await flags(ws.workspaceId))[0]!.archived).toBe(0);
  });

  it("labels, unlabels and assigns all selected", async () => {
    const ws = await createWorkspace();
    const admin = asAgent(await signIn(ws));
    const colleague = await addAgent(ws, "agent", "Colleague");
    const label = ((await (await admin.post("/api/console/labels", { name: "Tax", color: "#0a7d32" })).json()) as { label: Label }).label;
    const first = (await startChat(ws)).conversation.id;
    const second = (await startChat(ws)).conversation.id;
    const asColleague = asAgent(colleague.cookie);
    expect(await (await asColleague.post("/api/console/conversations/bulk", { conversationIds: [first, second], action: { type: "label", labelId: label.id } })).json()).toEqual({ succeeded: 2, failed: [] });
    expect(await (await asColleague.post("/api/console/conversations/bulk", { conversationIds: [second], action: { type: "unlabel", labelId: label.id } })).json()).toEqual({ succeeded: 1, failed: [] });
    const labelled = await env.DB.prepare("SELECT conversation_id FROM conversation_labels WHERE workspace_id = ?").bind(ws.workspaceId).all<{ conversation_id: string }>();
    expect(labelled.results.map((r) => r.conversation_id)).toEqual([first]);

    expect(await (await asColleague.post("/api/console/conversations/bulk", { conversationIds: [first, second], action: { type: "assign", agentId: colleague.id } })).json()).toEqual({ succeeded: 2, failed: [] });
    expect((await flags(ws.workspaceId)).map((r) => r.agent_id)).toEqual([colleague.id, colleague.id]);
  });

  it("Notify administrators on two threads puts two emails in the outbox", async () => {
    const ws = await createWorkspace();
    const plain = await addAgent(ws, "agent", "Plain Agent");
    const threads = [await insertThread(ws, { subject: "Late payroll" }), await insertThread(ws, { subject: "Missing receipts" })];
    const res = await asAgent(plain.cookie).post("/api/console/conversations/bulk", {
      conversationIds: threads,
      action: { type: "notify_admins", note: "Both need a call" },
    });
    expect(await res.json()).toEqual({ succeeded: 2, failed: [] });
    const alerts = await adminAlerts(ws.workspaceId);
    expect(alerts.map((a) => a.to_address)).toEqual([ws.agentEmail, ws.agentEmail]);
    expect(alerts.every((a) => a.text_body.includes("Both need a call"))).toBe(true);
    expect(alerts.map((a) => a.text_body.includes("Late payroll") || a.text_body.includes("Missing receipts"))).toEqual([true, true]);
  });
});

describe("new conversation: Notify administrators", () => {
  it("alerts the admins as the thread starts", async () => {
    const ws = await createWorkspace();
    const plain = await addAgent(ws, "agent", "Plain Agent");
    const res = await asAgent(plain.cookie).post("/api/console/conversations", {
      channelId: ws.channelId,
      contact: { name: "Carla", email: "carla@example.com" },
      subject: "Audit letter",
      message: { clientId: crypto.randomUUID(), body: "We received a letter from the tax office." },
      notifyAdmins: { note: "Please review" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { conversation: { id: string }; notified: number };
    remember(body.conversation.id);
    expect(body.notified).toBe(1);
    expect((await adminAlerts(ws.workspaceId)).map((a) => a.to_address)).toEqual([ws.agentEmail]);
  });
});
