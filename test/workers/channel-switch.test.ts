import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PublicChannel } from "../../protocol/channel";
import { call, createWorkspace, freshIp, postJson, signIn, type Workspace } from "./fixtures";
import { asAgent, type ErrorBody } from "./console-fixtures";

const ORIGIN = "https://shop.example";
const start = (ws: Workspace) =>
  postJson(
    `/api/widget/channels/${ws.channelKey}/conversations`,
    { name: "Vera", email: "vera@example.com", message: { clientId: crypto.randomUUID(), body: "Hello?" } },
    { origin: ORIGIN, "cf-connecting-ip": freshIp() },
  );

async function conversations(workspaceId: string) {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?").bind(workspaceId).first<{ n: number }>())!.n;
}

describe("a channel switched off as a whole", () => {
  it("tells the widget it is off, and refuses new chats and tickets from the widget, the console and the API", async () => {
    const ws = await createWorkspace({ config: { enabled: false, ticketSubmission: true } });
    const config = await call(`/api/widget/channels/${ws.channelKey}`, { headers: { origin: ORIGIN } });
    expect(((await config.json()) as { channel: PublicChannel }).channel.enabled).toBe(false);

    const chat = await start(ws);
    expect(chat.status).toBe(403);
    expect(((await chat.json()) as ErrorBody).error).toEqual({ code: "channel_disabled", message: "this channel is switched off: it takes no new chats" });
    const ticket = await postJson(
      `/api/widget/channels/${ws.channelKey}/tickets`,
      { name: "Vera", email: "vera@example.com", question: "Anyone?" },
      { origin: ORIGIN, "cf-connecting-ip": freshIp() },
    );
    expect(ticket.status).toBe(403);
    const consoleStart = await asAgent(await signIn(ws)).post("/api/console/conversations", {
      channelId: ws.channelId,
      contact: { name: "C", email: "c@example.com" },
      subject: "s",
      message: { clientId: crypto.randomUUID(), body: "b" },
    });
    expect(consoleStart.status).toBe(403);
    const apiStart = await call("/api/v1/conversations", {
      method: "POST",
      headers: { authorization: `Bearer ${ws.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ contact: { name: "C", email: "c@example.com" }, message: "Hi" }),
    });
    expect(apiStart.status).toBe(403);
    expect(((await apiStart.json()) as ErrorBody).error.code).toBe("channel_disabled");
    expect(await conversations(ws.workspaceId)).toBe(0);
  });

  it("a channel left on says so, and another workspace's switch does not touch it", async () => {
    await createWorkspace({ config: { enabled: false } });
    const ws = await createWorkspace();
    const config = await call(`/api/widget/channels/${ws.channelKey}`, { headers: { origin: ORIGIN } });
    expect(((await config.json()) as { channel: PublicChannel }).channel.enabled).toBe(true);
    expect(await conversations(ws.workspaceId)).toBe(0);
  });
});
