import { afterEach, describe, expect, it } from "vitest";
import type { ConversationAttachment } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { BASE, call, createWorkspace, signIn, TestSocket } from "./fixtures";
import { asAgent, quietRooms, startChat, type ErrorBody } from "./console-fixtures";

afterEach(quietRooms);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function upload(cookie: string, conversationId: string, headers: Record<string, string>, body: BodyInit = PNG) {
  return call(`/api/console/conversations/${conversationId}/attachments`, {
    method: "POST",
    headers: { cookie, origin: BASE, "content-type": "image/png", "x-parley-client-id": crypto.randomUUID(), ...headers },
    body,
  });
}

describe("attachments from the console", () => {
  it("adds a file as the agent's message, lists it, serves it, and deletes it for good", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const agent = asAgent(cookie);
    const { conversation, token } = await startChat(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);

    const res = await upload(cookie, conversation.id, { "x-parley-filename": encodeURIComponent("kuitti maaliskuu.png") });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: Message };
    expect(message.author.type).toBe("agent");
    expect(message.attachment).toMatchObject({ name: "kuitti maaliskuu.png", contentType: "image/png", size: PNG.byteLength });
    const live = await visitor.next<"message">((f) => f.type === "message" && f.message.attachment !== undefined);
    expect(live.message.attachment!.id).toBe(message.attachment!.id);

    const list = await agent.json<{ attachments: ConversationAttachment[] }>(`/api/console/conversations/${conversation.id}/attachments`);
    expect(list.attachments.map((a) => [a.name, a.uploadedBy])).toEqual([["kuitti maaliskuu.png", "agent"]]);

    const download = await call(message.attachment!.url, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);

    const path = `/api/console/conversations/${conversation.id}/attachments/${message.attachment!.id}`;
    expect((await agent.delete(path)).status).toBe(204);
    expect((await call(message.attachment!.url, { headers: { cookie } })).status).toBe(404);
    expect((await agent.json<{ attachments: unknown[] }>(`/api/console/conversations/${conversation.id}/attachments`)).attachments).toEqual([]);
    expect((await agent.delete(path)).status).toBe(404);
    visitor.close();
  });

  it("refuses bad uploads with a clear error and stores nothing", async () => {
    const ws = await createWorkspace({ config: { attachments: { maxBytes: 10, types: ["image/*"] } } });
    const cookie = await signIn(ws);
    const { conversation } = await startChat(ws);
    const name = { "x-parley-filename": "a.png" };

    const cases: [Record<string, string>, BodyInit, number][] = [
      [{ ...name, "content-type": "application/zip" }, new Uint8Array([1]), 415],
      [name, PNG, 413],
      [{ "x-parley-client-id": "short", ...name }, new Uint8Array([1]), 400],
      [{}, new Uint8Array([1]), 400],
      [name, new Uint8Array([]), 400],
    ];
    for (const [headers, body, status] of cases) {
      const res = await upload(cookie, conversation.id, headers, body);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(((await res.json()) as ErrorBody).error.message.length).toBeGreaterThan(0);
    }
    const list = await asAgent(cookie).json<{ attachments: unknown[] }>(`/api/console/conversations/${conversation.id}/attachments`);
    expect(list.attachments).toEqual([]);
  });

  it("an ended thread takes no more files", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const { conversation } = await startChat(ws);
    await asAgent(cookie).post(`/api/console/conversations/${conversation.id}/end`);
    const res = await upload(cookie, conversation.id, { "x-parley-filename": "late.png" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe("conversation_ended");
  });
});
