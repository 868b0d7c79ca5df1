import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../protocol/limits";
import { standardSecret } from "../../worker/webhooks/standard-signature";
import { agentOnline, createWorkspace } from "./fixtures";
import { liveConversation } from "./room-helpers";
import { api, deliverNow, receiver, register, seenWhere, type Captured } from "./webhook-receiver";

afterEach(() => vi.restoreAllMocks());

const ticket = (question = "Call me") => ({ contact: { name: "T", email: "t@example.com" }, question });

/** What the official library makes of a captured delivery with one secret: the payload, or the error. */
function verifyWith(secret: string, d: Captured): unknown {
  try {
    return new Webhook(secret).verify(d.body, d.headers);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function hmacHex(secret: string, text: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every `v1=` of a Parley-Signature that matches the secret. */
async function parleyMatches(secret: string, d: Captured) {
  const parts = d.headers["parley-signature"]!.split(",");
  const t = parts[0]!.slice(2);
  const expected = await hmacHex(secret, `${t}.${d.body}`);
  return parts.slice(1).filter((p) => p === `v1=${expected}`).length;
}

describe("Standard Webhooks deliveries", () => {
  it("carry webhook-id, webhook-timestamp and webhook-signature that the standardwebhooks library verifies", async () => {
    const ws = await createWorkspace();
    const { id, secret } = await register(ws, ["ticket.created"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const seen = receiver([500, 200]);
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    await deliverNow(ws, id);
    expect(seen).toHaveLength(2);
    for (const d of seen) {
      expect(d.headers["webhook-id"]).toBe(d.headers["parley-delivery"]);
      expect(Math.abs(Number(d.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(d.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifyWith(secret, d)).toMatchObject({ type: "ticket.created", workspaceId: ws.workspaceId });
      expect(await parleyMatches(secret, d)).toBe(1);
    }
    // A retry is the same message to the receiver: the same webhook-id.
    expect(seen[1]!.headers["webhook-id"]).toBe(seen[0]!.headers["webhook-id"]);
    const tampered = { ...seen[1]!, body: seen[1]!.body.replace("Call me", "Call him") };
    expect(verifyWith(secret, tampered)).toBe("No matching signature found");
  });

  it("sign with both secrets during a rotation's overlap, and with the new one alone after it", async () => {
    const ws = await createWorkspace();
    const { id, secret: first } = await register(ws, ["ticket.created"]);
    const seen = receiver();

    const rotated = await api(ws, `/webhooks/${id}/rotate-secret`, "POST", {});
    expect(rotated.status).toBe(200);
    const { secret: second, previousSecretExpiresAt, secretRotatedAt } = (await rotated.json()) as {
      secret: string;
      previousSecretExpiresAt: number;
      secretRotatedAt: number;
    };
    expect(second).not.toBe(first);
    expect(previousSecretExpiresAt - secretRotatedAt).toBe(LIMITS.webhookSecrets.defaultOverlapSeconds * 1000);
    await api(ws, "/tickets", "POST", ticket("during the overlap"));
    await deliverNow(ws, id);
    const during = seen.at(-1)!;
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verifyWith(first, during)).toMatchObject({ type: "ticket.created" });
    expect(verifyWith(second, during)).toMatchObject({ type: "ticket.created" });
    expect([await parleyMatches(first, during), await parleyMatches(second, during)]).toEqual([1, 1]);

    // The list never shows a secret; it says an overlap is running and until when.
    const listed = (await (await api(ws, "/webhooks")).json()) as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks[0]).not.toHaveProperty("secret");
    expect(listed.webhooks[0]!.previousSecretExpiresAt).toBe(previousSecretExpiresAt);

    // Rotating again with no overlap: only the newest secret signs; both older ones are refused.
    const { secret: third } = (await (await api(ws, `/webhooks/${id}/rotate-secret`, "POST", { overlapSeconds: 0 })).json()) as { secret: string };
    await api(ws, "/tickets", "POST", ticket("after the overlap"));
    await deliverNow(ws, id);
    const after = seen.at(-1)!;
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifyWith(third, after)).toMatchObject({ type: "ticket.created" });
    expect(verifyWith(second, after)).toBe("No matching signature found");
    expect(verifyWith(first, after)).toBe("No matching signature found");
    expect(await parleyMatches(second, after)).toBe(0);
  });

  it("verify for endpoints whose secret predates Standard Webhooks (URL-safe base64), as the docs map it", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, ["ticket.created"]);
    const legacy = "whsec_-_-_ab12CD34ef56GH78ij90KL12mn34OP56";
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?").bind(legacy, id).run();
    const seen = receiver();
    await api(ws, "/tickets", "POST", ticket());
    await deliverNow(ws, id);
    const d = seen[0]!;
    const mapped = `whsec_${legacy.slice(6).replaceAll("-", "+").replaceAll("_", "/")}`;
    expect(standardSecret(legacy)).toBe(mapped);
    expect(verifyWith(mapped, d)).toMatchObject({ type: "ticket.created" });
    expect(await parleyMatches(legacy, d)).toBe(1);
  });
});

describe("managing an endpoint", () => {
  it("edits url, events and description, and refuses bad edits with a 400 that names the field", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, ["ticket.created"]);
    const res = await api(ws, `/webhooks/${id}`, "PATCH", {
      url: "https://receiver.example/other",
      events: ["contact.created", "conversation.assigned"],
      description: "CRM sync",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      url: "https://receiver.example/other",
      events: ["contact.created", "conversation.assigned"],
      description: "CRM sync",
      enabled: true,
    });
    const bad: [unknown, RegExp][] = [
      [{}, /at least one/],
      [{ events: [] }, /events/],
      [{ events: ["conversation.exploded"] }, /events/],
      [{ url: "ftp://receiver.example/" }, /url/],
      [{ url: "http://169.254.169.254/latest" }, /url/],
      [{ secret: "whsec_mine" }, /secret|unrecognized/i],
      [{ description: "x".repeat(201) }, /description/],
    ];
    for (const [body, message] of bad) {
      const r = await api(ws, `/webhooks/${id}`, "PATCH", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    const list = (await (await api(ws, "/webhooks")).json()) as { webhooks: { url: string; description: string }[] };
    expect(list.webhooks[0]).toMatchObject({ url: "https://receiver.example/other", description: "CRM sync" });
  });

  it("refuses a rotation overlap past the bound, and answers 404 for another workspace's endpoint", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const { id } = await register(ws, ["ticket.created"]);
    for (const body of [{ overlapSeconds: LIMITS.webhookSecrets.maxOverlapSeconds + 1 }, { overlapSeconds: -1 }, { overlapSeconds: 1.5 }, { overlap: 5 }]) {
      expect((await api(ws, `/webhooks/${id}/rotate-secret`, "POST", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api(other, `/webhooks/${id}/rotate-secret`, "POST", {})).status).toBe(404);
    expect((await api(other, `/webhooks/${id}/test`, "POST")).status).toBe(404);
    expect((await api(other, `/webhooks/${id}`, "PATCH", { description: "mine" })).status).toBe(404);
  });

  it("sends a signed webhook.test event through the dispatcher and the log, whatever the endpoint subscribes to", async () => {
    const ws = await createWorkspace();
    const { id, secret } = await register(ws, ["ticket.created"]);
    const seen = receiver();
    const res = await api(ws, `/webhooks/${id}/test`, "POST");
    expect(res.status).toBe(202);
    const queued = (await res.json()) as { id: string; eventType: string; status: string };
    expect(queued).toMatchObject({ eventType: "webhook.test", status: "pending" });
    await deliverNow(ws, id);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["webhook-id"]).toBe(queued.id);
    expect(verifyWith(secret, seen[0]!)).toMatchObject({ type: "webhook.test", data: { webhook: { id } } });
    const { deliveries } = (await (await api(ws, `/webhooks/${id}/deliveries`)).json()) as { deliveries: { id: string; status: string }[] };
    expect(deliveries.find((d) => d.id === queued.id)?.status).toBe("delivered");
  });

  it("refuses a test event to a disabled endpoint, and rate-limits them", async () => {
    const ws = await createWorkspace();
    const { id } = await register(ws, ["ticket.created"]);
    receiver();
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.http.webhookTests.burst + 1; i++) statuses.push((await api(ws, `/webhooks/${id}/test`, "POST")).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 202)).toBe(true);
    await api(ws, `/webhooks/${id}`, "PATCH", { enabled: false });
    const refused = await api(ws, `/webhooks/${id}/test`, "POST");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("webhook_disabled");
  });
});

describe("the events integrators asked for", () => {
  it("sends conversation.assigned, conversation.reopened, contact.created/updated and agent.availability_changed, signed", async () => {
    const { ws, conversation, visitor, room, agent } = await liveConversation();
    const { id, secret } = await register(ws, [
      "conversation.assigned",
      "conversation.reopened",
      "contact.created",
      "contact.updated",
      "agent.availability_changed",
    ]);
    const seen = receiver();
    const payloadOf = async (event: string, match: (p: { data: Record<string, unknown> }) => boolean = () => true) => {
      const d = await seenWhere(seen, ws, id, (c) => c.headers["parley-event"] === event && match(JSON.parse(c.body) as { data: Record<string, unknown> }), 15_000, () =>
        runDurableObjectAlarm(room),
      );
      return verifyWith(secret, d) as { type: string; data: Record<string, unknown> };
    };

    expect(await room.accept(agent)).toBe(true);
    await visitor.next((f) => f.type === "status" && f.status === "active");
    expect((await payloadOf("conversation.assigned")).data).toEqual({ conversation: { id: conversation.id }, agent, previousAgent: null, via: "accepted" });
    const other = { id: "ag_other", name: "Olli" };
    await room.assign(other);
    expect((await payloadOf("conversation.assigned", (p) => p.data.via === "assigned")).data).toEqual({
      conversation: { id: conversation.id },
      agent: other,
      previousAgent: agent,
      via: "assigned",
    });
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    visitor.send({ type: "reopen" });
    await visitor.next((f) => f.type === "status" && f.status === "active");
    expect((await payloadOf("conversation.reopened")).data).toEqual({ conversation: { id: conversation.id }, status: "active" });

    const put = (name: string) => api(ws, "/contacts/crm-7", "PUT", { name, email: "mia@example.com" });
    await put("Mia");
    await put("Mia");
    await put("Mia Virtanen");
    expect((await payloadOf("contact.created")).data.contact).toMatchObject({ externalId: "crm-7", name: "Mia" });
    expect((await payloadOf("contact.updated")).data.contact).toMatchObject({ externalId: "crm-7", name: "Mia Virtanen" });
    expect(seen.filter((c) => c.headers["parley-event"]?.startsWith("contact.")).length).toBe(2);

    const lobby = await agentOnline(ws);
    lobby.send({ type: "availability", available: false });
    const availability = await payloadOf("agent.availability_changed");
    expect(availability.data).toEqual({ agent: { id: agent.id, name: agent.name }, channel: { id: ws.channelId }, available: false });
    lobby.send({ type: "availability", available: true });
    await payloadOf("agent.availability_changed", (p) => p.data.available === true);
  }, 60_000);
});
