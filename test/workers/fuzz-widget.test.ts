import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { quietRooms, remember } from "./console-fixtures";
import { agentOnline, createWorkspace, type Workspace } from "./fixtures";
import { bodyFor, encode, hostileId, hostileString, queryFor } from "./fuzz-inputs";
import { expectHarmless, identityHash, send, USER_ID, workspaceState } from "./attack-helpers";

const IDENTITY_SECRET = "victim-identity-secret";
const RUNS = { bodies: 75, paths: 40 };

describe("the widget API under random and malicious input", () => {
  const used: Workspace[] = [];

  afterAll(async () => {
    for (const ws of used) {
      const { rows } = await workspaceState(ws.workspaceId);
      for (const c of rows.conversations as { id: string }[]) remember(c.id);
    }
    await quietRooms();
  });

  async function channelWithEverything(): Promise<Workspace> {
    const ws = await createWorkspace({
      identitySecret: IDENTITY_SECRET,
      config: {
        ticketSubmission: true,
        faqSuggestions: true,
        topics: ["Billing"],
        preChatFields: [{ key: "company", label: "Company", required: true }],
      },
    });
    await agentOnline(ws);
    used.push(ws);
    return ws;
  }

  it("starting chats, tickets and threads: no 5xx, clear refusals, and a refusal changes nothing", async () => {
    const ws = await channelWithEverything();
    const userHash = await identityHash(USER_ID, IDENTITY_SECRET);
    const person = { name: "Ann", email: "ann@example.com", topic: "Billing", fields: { company: "Acme" }, locale: "fi" };
    const targets = [
      { path: `/api/widget/channels/${ws.channelKey}/conversations`, valid: { ...person, message: { clientId: "client-0001", body: "Hello" } } },
      { path: `/api/widget/channels/${ws.channelKey}/tickets`, valid: { ...person, question: "Please call me" } },
      { path: `/api/widget/channels/${ws.channelKey}/threads`, valid: { identity: { userId: USER_ID, userHash } } },
    ];
    const request = fc.constantFrom(...targets).chain((t) => bodyFor(t.valid).map((body) => ({ path: t.path, body })));
    await fc.assert(
      fc.asyncProperty(request, async ({ path, body }) => {
        await expectHarmless(ws.workspaceId, () => send("POST", path, { "content-type": body.contentType }, body.text), `POST ${path} ${body.text.slice(0, 200)}`);
      }),
      { numRuns: RUNS.bodies },
    );
  }, 120_000);

  it("hostile query strings, channel keys, conversation ids and tokens: no 5xx, clear refusals", async () => {
    const ws = await channelWithEverything();
    const request = fc.oneof(
      queryFor(["q"]).map((q) => ({ method: "GET", path: `/api/widget/channels/${ws.channelKey}/faqs?${q}`, headers: {} })),
      hostileId.map((key) => ({ method: "GET", path: `/api/widget/channels/${key}`, headers: {} })),
      fc.tuple(hostileId, hostileString).map(([id, token]) => ({
        method: "GET",
        path: `/api/widget/conversations/${id}/socket?token=${encode(token)}`,
        headers: { upgrade: "websocket" },
      })),
      fc.tuple(hostileId, hostileString).map(([id, token]) => ({
        method: "OPTIONS",
        path: `/api/widget/conversations/${id}/attachments?token=${encode(token)}`,
        headers: { origin: "https://evil.example" },
      })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers }) => {
        await expectHarmless(ws.workspaceId, () => send(method, path, headers), `${method} ${path.slice(0, 200)}`);
      }),
      { numRuns: RUNS.paths },
    );
  }, 120_000);
});
