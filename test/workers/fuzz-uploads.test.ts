import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { quietRooms, remember } from "./console-fixtures";
import { BASE, createWorkspace, signIn, startConversation } from "./fixtures";
import { encode, hostileString } from "./fuzz-inputs";
import { expectHarmless, expectRefusal, send, settledState, workspaceState } from "./attack-helpers";

const RUNS = 50;
const MAX_BYTES = 2048;
const ascii = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));

afterAll(quietRooms);

/** A chat on a channel that takes text and images up to 2 KB; its visitor's token and its agent's cookie. */
async function uploadTarget() {
  const ws = await createWorkspace({ config: { attachments: { maxBytes: MAX_BYTES, types: ["text/plain", "image/*"] } } });
  const { conversation, token } = await startConversation(ws, "Here come files");
  remember(conversation.id);
  const cookie = await signIn(ws);
  await settledState(ws.workspaceId);
  return {
    ws,
    conversationId: conversation.id,
    visitor: { path: `/api/widget/conversations/${conversation.id}/attachments?token=${encodeURIComponent(token)}`, headers: {} },
    agent: { path: `/api/console/conversations/${conversation.id}/attachments`, headers: { cookie, origin: BASE } },
  };
}

/** What an uploader controls: the type, the (URI-encoded or raw) file name, the clientId and the bytes. */
const upload = fc.record({
  contentType: fc.oneof(
    fc.constantFrom("text/plain", "image/png", "image/svg+xml", "text/html", "application/x-msdownload", "IMAGE/PNG; charset=x", "", "text/plain;;;", "*/*", "image/"),
    ascii(80),
  ),
  fileName: fc.oneof(
    hostileString.map(encode),
    ascii(300),
    fc.constantFrom("%E0%A4%A", "%", "..%2F..%2Fetc%2Fpasswd", "%00.txt", "%3Cscript%3Ealert(1)%3C%2Fscript%3E.png", ""),
  ),
  clientId: fc.oneof(fc.uuid(), ascii(80), fc.constantFrom("", "short", "system:joined:1", "a".repeat(65))),
  size: fc.constantFrom(0, 1, 100, MAX_BYTES, MAX_BYTES + 1, 64 * 1024),
});

describe("uploads under random and malicious input", () => {
  it("from the visitor and the agent: no 5xx, clear refusals, and a refused file is stored nowhere", async () => {
    const t = await uploadTarget();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("visitor", "agent") as fc.Arbitrary<"visitor" | "agent">, upload, async (who, u) => {
        const { path, headers } = t[who];
        const request = () =>
          send("POST", path, { ...headers, "content-type": u.contentType, "x-parley-filename": u.fileName, "x-parley-client-id": u.clientId }, new Uint8Array(u.size));
        await expectHarmless(t.ws.workspaceId, request, `${who} uploads ${JSON.stringify(u)}`);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("a file over the channel's limit is refused with 413 before anything is kept", async () => {
    const t = await uploadTarget();
    const before = await workspaceState(t.ws.workspaceId);
    for (const who of ["visitor", "agent"] as const) {
      const res = await send("POST", t[who].path, { ...t[who].headers, "content-type": "text/plain", "x-parley-filename": "big.txt", "x-parley-client-id": crypto.randomUUID() }, new Uint8Array(10 * 1024 * 1024 + 1));
      expect((await expectRefusal(res, [413], who)).code).toBe("file_too_large");
    }
    expect(await workspaceState(t.ws.workspaceId)).toEqual(before);
  });

  it("an agent's file for an ended chat is refused with 409, and nothing is kept", async () => {
    const t = await uploadTarget();
    expect((await send("POST", `/api/console/conversations/${t.conversationId}/end`, t.agent.headers)).status).toBe(204);
    const before = await settledState(t.ws.workspaceId);
    const res = await send("POST", t.agent.path, { ...t.agent.headers, "content-type": "text/plain", "x-parley-filename": "late.txt", "x-parley-client-id": crypto.randomUUID() }, "late");
    expect((await expectRefusal(res, [409], "agent")).code).toBe("conversation_ended");
    expect(await workspaceState(t.ws.workspaceId)).toEqual(before);
  });

  it("a visitor's file for an ended chat is refused with 409, and nothing is kept", async () => {
    const t = await uploadTarget();
    expect((await send("POST", `/api/console/conversations/${t.conversationId}/end`, t.agent.headers)).status).toBe(204);
    const before = await settledState(t.ws.workspaceId);
    const res = await send("POST", t.visitor.path, { "content-type": "text/plain", "x-parley-filename": "late.txt", "x-parley-client-id": crypto.randomUUID() }, "late");
    expect((await expectRefusal(res, [409], "visitor")).code).toBe("conversation_ended");
    expect(await workspaceState(t.ws.workspaceId)).toEqual(before);
  });

  // Both parties see every clientId: reusing the other author's must neither store a message nor
  // touch the file that author sent.
  it("an upload reusing the other author's clientId is refused and leaves their file as it was", async () => {
    const t = await uploadTarget();
    const clientId = crypto.randomUUID();
    const sent = await send("POST", t.agent.path, { ...t.agent.headers, "content-type": "text/plain", "x-parley-filename": "invoice.txt", "x-parley-client-id": clientId }, "the agent's invoice");
    expect(sent.status).toBe(201);
    const { message } = (await sent.json()) as { message: { attachment: { url: string } } };
    const before = await settledState(t.ws.workspaceId);
    const forged = await send("POST", t.visitor.path, { "content-type": "text/plain", "x-parley-filename": "invoice.txt", "x-parley-client-id": clientId }, "a forged invoice!!!");
    expect((await expectRefusal(forged, [400], "the visitor's upload")).code).toBe("bad_frame");
    const file = await send("GET", message.attachment.url, { cookie: t.agent.headers.cookie });
    expect(new TextDecoder().decode(await file.arrayBuffer())).toBe("the agent's invoice");
    expect(await workspaceState(t.ws.workspaceId)).toEqual(before);
  });
});
