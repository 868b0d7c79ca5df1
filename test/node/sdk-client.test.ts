import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParleyClient, mintUserToken, type ParleyClient } from "../../sdk/src/index.js";
import { verifyUserToken } from "../../worker/auth/user-token";
import { startDevServer, type DevServer } from "./sdk-dev-server";

// The generated client against a real `wrangler dev` of this repository (not the app in-process):
// what an integrator's server does, over HTTP, with the types the OpenAPI document gives it.
describe("the typed client (sdk/) against a dev server", () => {
  let server: DevServer;
  let parley: ParleyClient;

  beforeAll(async () => {
    server = await startDevServer();
    parley = createParleyClient({ baseUrl: server.url, apiKey: server.apiKey });
  }, 300_000);
  afterAll(async () => server?.stop());

  it("runs an integrator flow: account, contact, conversation, messages, the widget signed in by user-token, status, transcript", async () => {
    const account = await parley.PUT("/accounts/{externalId}", { params: { path: { externalId: "acme-1" } }, body: { name: "Acme Oy" } });
    expect(account.response.status).toBe(200);
    const contact = await parley.PUT("/contacts/{externalId}", {
      params: { path: { externalId: "crm-42" } },
      body: { name: "Maija Meikäläinen", email: "maija@acme.example", accountExternalId: "acme-1" },
    });
    expect(contact.data).toMatchObject({ name: "Maija Meikäläinen", email: "maija@acme.example" });

    const start = () =>
      parley.POST("/conversations", {
        params: { header: { "Idempotency-Key": "crm-ticket-7" } },
        body: { contact: { name: "Maija Meikäläinen", email: "maija@acme.example", externalId: "crm-42" }, message: "When is the VAT return due?" },
      });
    const created = await start();
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data).toMatchObject({ status: "queued", contact: { email: "maija@acme.example" } });
    // A retry with the same Idempotency-Key answers the first result instead of starting a second chat.
    expect((await start()).data?.id).toBe(id);

    const reply = await parley.POST("/conversations/{id}/messages", {
      params: { path: { id } },
      body: { body: "On the 12th of the second month.", author: "agent", agentId: "ag_sdk" },
    });
    expect(reply.response.status).toBe(201);

    const messages = await parley.GET("/conversations/{id}/messages", { params: { path: { id }, query: { since: 0 } } });
    const bodies = (messages.data as { messages: { body: string; seq: number }[] }).messages.map((m) => m.body);
    expect(bodies).toEqual(expect.arrayContaining(["When is the VAT return due?", "On the 12th of the second month."]));

    // The same customer signed in on the integrator's site: the widget, given a user-token minted by
    // the SDK, lists the conversation the API started for them.
    const userToken = await mintUserToken(server.identitySecret, { sub: "crm-42", email: "maija@acme.example", name: "Maija Meikäläinen" });
    const threads = await fetch(`${server.url}/api/widget/channels/${server.channelKey}/threads`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://www.acme.example" },
      body: JSON.stringify({ userToken }),
    });
    expect(threads.status).toBe(200);
    expect(((await threads.json()) as { threads: { conversation: { id: string } }[] }).threads.map((t) => t.conversation.id)).toContain(id);

    const ended = await parley.PATCH("/conversations/{id}", { params: { path: { id } }, body: { status: "ended", archived: true } });
    expect(ended.data).toMatchObject({ id, status: "ended", archived: true });

    const transcript = await parley.GET("/conversations/{id}/transcript", { params: { path: { id } } });
    expect(JSON.stringify(transcript.data)).toContain("On the 12th of the second month.");

    const list = await parley.GET("/conversations", {});
    expect(JSON.stringify(list.data)).toContain(id);
  });

  it("gives typed errors: 400 naming the field, 404, and 401 for a wrong key", async () => {
    const bad = await parley.POST("/conversations", {
      body: { contact: { name: "X", email: "not-an-email" }, message: "hi" },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.error.code).toBeTruthy();
    expect(bad.error?.error.message).toContain("email");

    const missing = await parley.GET("/conversations/{id}", { params: { path: { id: "cv_nope" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBeTruthy();

    const stranger = createParleyClient({ baseUrl: server.url, apiKey: "not-a-key" });
    const refused = await stranger.GET("/conversations", {});
    expect(refused.response.status).toBe(401);
    expect(refused.data).toBeUndefined();
  });

  it("mints a user-token that the Worker's own verifier accepts with every claim", async () => {
    const token = await mintUserToken(server.identitySecret, {
      sub: "crm-42",
      email: "maija@acme.example",
      name: "Maija",
      account_id: "acme-1",
      attributes: { plan: "Pro", seats: 12 },
    });
    const verified = await verifyUserToken(server.identitySecret, token);
    expect(verified).toMatchObject({ ok: true, claims: { sub: "crm-42", email: "maija@acme.example", attributes: { plan: "Pro", seats: 12 } } });
    expect(await verifyUserToken("another-secret", token)).toEqual({ ok: false, reason: "bad_signature" });
    const sparse = await mintUserToken(server.identitySecret, { sub: "crm-43", name: "", email: undefined, account_id: null as unknown as string });
    expect(await verifyUserToken(server.identitySecret, sparse)).toMatchObject({ ok: true, claims: { sub: "crm-43" } });
    const tooLong = await mintUserToken(server.identitySecret, { sub: "x" }, { lifetimeSeconds: 48 * 3600 });
    expect(await verifyUserToken(server.identitySecret, tooLong)).toEqual({ ok: false, reason: "too_long_lived" });
  });
});
