import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { adminClient, newPlainAgent } from "./console-admin-helpers";
import { quietRooms, remember } from "./console-fixtures";
import { BASE, createWorkspace, signIn, startConversation } from "./fixtures";
import { bodyFor, hostileId, queryFor, type RawBody } from "./fuzz-inputs";
import { expectHarmless, send, settledState, workspaceState } from "./attack-helpers";

const RUNS = { bodies: 75, queries: 40 };
const used: string[] = [];

afterAll(async () => {
  for (const workspaceId of used) {
    for (const c of (await workspaceState(workspaceId)).rows.conversations as { id: string }[]) remember(c.id);
  }
  await quietRooms();
});

/** A workspace with a thread, an account, a FAQ, a team, a second agent and a second channel to aim at. */
async function consoleWorkspace() {
  const ws = await createWorkspace();
  used.push(ws.workspaceId);
  const cookie = await signIn(ws);
  const admin = adminClient(ws, cookie);
  const plain = await newPlainAgent(admin);
  const { conversation } = await startConversation(ws, "Fuzz me");
  const created = await send("POST", "/api/console/accounts", { cookie, origin: BASE }, { name: "Acme" });
  const { account } = (await created.json()) as { account: { id: string } };
  const { faq } = await admin.json<{ faq: { id: string } }>("POST", "/faqs", { question: "Q?", answer: "A." }, 201);
  const { team } = await admin.json<{ team: { id: string } }>("POST", "/teams", { name: "Team", memberIds: [] }, 201);
  const { channel } = await admin.json<{ channel: { id: string } }>("POST", "/channels", { key: `second-${ws.workspaceId.slice(3, 12)}`, name: "Second" }, 201);
  await settledState(ws.workspaceId);
  return { ws, cookie, plain, conversationId: conversation.id, accountId: account.id, faqId: faq.id, teamId: team.id, secondChannelId: channel.id };
}
type ConsoleWorkspace = Awaited<ReturnType<typeof consoleWorkspace>>;
type Target = { method: string; path: string; valid: unknown };

async function fuzzBodies(w: ConsoleWorkspace, targets: Target[]): Promise<void> {
  const request = fc.constantFrom(...targets).chain((t) => bodyFor(t.valid).map((body): [Target, RawBody] => [t, body]));
  await fc.assert(
    fc.asyncProperty(request, async ([t, body]) => {
      const headers = { cookie: w.cookie, origin: BASE, "content-type": body.contentType };
      await expectHarmless(w.ws.workspaceId, () => send(t.method, t.path, headers, body.text), `${t.method} ${t.path} ${body.text.slice(0, 200)}`);
    }),
    { numRuns: RUNS.bodies },
  );
}

async function fuzzRequests(w: ConsoleWorkspace, request: fc.Arbitrary<{ method: string; path: string }>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(request, async ({ method, path }) => {
      const headers = { cookie: w.cookie, origin: BASE };
      await expectHarmless(w.ws.workspaceId, () => send(method, path, headers), `${method} ${path.slice(0, 200)}`);
    }),
    { numRuns: RUNS.queries },
  );
}

describe("the console API under random and malicious input", () => {
  it("thread, account and sign-in bodies: no 5xx, clear refusals, and a refusal changes nothing", async () => {
    const w = await consoleWorkspace();
    const c = `/api/console/conversations/${w.conversationId}`;
    const message = { clientId: "fuzz-client-1", body: "Hello" };
    await fuzzBodies(w, [
      { method: "POST", path: "/api/console/session", valid: { email: w.ws.agentEmail, password: "correct horse battery" } },
      {
        method: "POST",
        path: "/api/console/conversations",
        valid: { channelId: w.ws.channelId, contact: { name: "Ann", email: "ann@example.com" }, subject: "Hi", message, attention: "answered" },
      },
      { method: "PATCH", path: c, valid: { attention: "answered", archived: false, responsibleAgentId: w.plain.agentId } },
      { method: "POST", path: `${c}/read`, valid: { seq: 1 } },
      { method: "POST", path: `${c}/transcript`, valid: { to: "ann@example.com" } },
      { method: "POST", path: `${c}/notify-admins`, valid: { note: "Please look" } },
      { method: "POST", path: "/api/console/accounts", valid: { name: "Acme" } },
      { method: "PATCH", path: `/api/console/accounts/${w.accountId}`, valid: { name: "Acme Oy" } },
      { method: "POST", path: `/api/console/accounts/${w.accountId}/contacts`, valid: { name: "Ann", email: "ann@example.com" } },
    ]);
  }, 120_000);

  it("inbox and account queries, hostile ids in every path: no 5xx, clear refusals", async () => {
    const w = await consoleWorkspace();
    await fuzzRequests(
      w,
      fc.oneof(
        queryFor(["filter", "attention", "q", "accountId", "limit", "cursor"]).map((q) => ({ method: "GET", path: `/api/console/conversations?${q}` })),
        queryFor(["q"]).map((q) => ({ method: "GET", path: `/api/console/accounts?${q}` })),
        fc.tuple(fc.constantFrom("GET", "DELETE"), hostileId, fc.constantFrom("", "/attachments", "/socket")).map(([method, id, rest]) => ({
          method,
          path: `/api/console/conversations/${id}${rest}`,
        })),
        fc.tuple(hostileId, hostileId).map(([id, other]) => ({ method: "DELETE", path: `/api/console/conversations/${id}/attachments/${other}` })),
        fc.tuple(hostileId, hostileId).map(([id, other]) => ({ method: "DELETE", path: `/api/console/accounts/${id}/contacts/${other}` })),
        hostileId.map((id) => ({ method: "POST", path: `/api/console/conversations/${id}/end` })),
        hostileId.map((id) => ({ method: "GET", path: `/api/console/channels/${id}/lobby` })),
      ),
    );
  }, 120_000);
});

describe("Administration under random and malicious input", () => {
  it("channel, FAQ, agent, team and API key bodies: no 5xx, clear refusals, and a refusal changes nothing", async () => {
    const w = await consoleWorkspace();
    const admin = "/api/console/admin";
    const config = {
      topics: ["Billing"],
      preChatFields: [{ key: "company", label: "Company", type: "select", required: true, options: ["A", "B"] }],
      openingHours: { timeZone: "Europe/Helsinki", days: { mon: [["09:00", "17:00"]] } },
      idleMinutes: 5,
      maxMessageLength: 1000,
      attachments: { maxBytes: 1024, types: ["image/*"] },
      strings: { fi: { greeting: "Hei" } },
      notificationEmail: "ops@example.com",
    };
    await fuzzBodies(w, [
      { method: "POST", path: `${admin}/channels`, valid: { key: "fuzzed-channel", name: "Fuzzed", allowedOrigins: ["https://shop.example"], config } },
      { method: "PUT", path: `${admin}/channels/${w.secondChannelId}`, valid: { key: "second-fuzzed", name: "Second", allowedOrigins: ["*"], config } },
      { method: "POST", path: `${admin}/faqs`, valid: { question: "How?", answer: "Like this.", channelId: w.ws.channelId } },
      { method: "PUT", path: `${admin}/faqs/${w.faqId}`, valid: { question: "How now?", answer: "Like that.", channelId: null } },
      { method: "POST", path: `${admin}/agents`, valid: { name: "New Agent", email: "new.agent@example.com", role: "agent", password: "long enough password" } },
      { method: "PUT", path: `${admin}/agents/${w.plain.agentId}`, valid: { name: "Renamed", role: "agent" } },
      { method: "PUT", path: `${admin}/agents/${w.plain.agentId}/password`, valid: { password: "another long password" } },
      { method: "POST", path: `${admin}/teams`, valid: { name: "Fuzzers", memberIds: [w.plain.agentId] } },
      { method: "PUT", path: `${admin}/teams/${w.teamId}`, valid: { name: "Team two", memberIds: [w.plain.agentId] } },
      { method: "POST", path: `${admin}/api-keys`, valid: { name: "CI" } },
    ]);
  }, 120_000);

  it("outbox queries and hostile ids in every path: no 5xx, clear refusals", async () => {
    const w = await consoleWorkspace();
    const admin = "/api/console/admin";
    await fuzzRequests(
      w,
      fc.oneof(
        queryFor(["limit", "cursor"]).map((q) => ({ method: "GET", path: `${admin}/emails?${q}` })),
        fc
          .tuple(
            fc.constantFrom("GET channels", "POST channels/identity-secret", "DELETE channels/identity-secret", "DELETE faqs", "DELETE agents", "DELETE teams", "POST api-keys/revoke", "GET emails"),
            hostileId,
          )
          .map(([route, id]) => {
            const [method, path] = route.split(" ") as [string, string];
            const [collection, action] = path.split("/");
            return { method, path: `${admin}/${collection}/${id}${action ? `/${action}` : ""}` };
          }),
      ),
    );
  }, 120_000);
});
