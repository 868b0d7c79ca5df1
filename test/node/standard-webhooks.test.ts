// Parley's signer, run in Node against the official `standardwebhooks` verifier (and Node's own
// HMAC for the Parley-Signature header), so a receiver built from either doc verifies what we send.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookEventType } from "../../protocol/webhooks";
import { openApiDocument } from "../../worker/api/openapi";
import { apiRoutes } from "../../worker/api/routes";
import { toBase64Url } from "../../worker/auth/encoding";
import { activeSecrets, deliveryHeaders } from "../../worker/webhooks/delivery-headers";
import { newSigningSecret, standardKey, standardSecret } from "../../worker/webhooks/standard-signature";

const body = JSON.stringify({ id: "evt_1", type: "message.created", createdAt: 1, workspaceId: "ws_1", data: { text: "héllo ✓" } });
const now = () => Math.floor(Date.now() / 1000);

/** docs/integrations.md's Parley-Signature check: any `v1=` may match (two sign during a rotation). */
function verifyParley(rawBody: string, header: string, secret: string, toleranceSeconds = 300) {
  const parts = header.split(",").map((p) => p.split("=") as [string, string]);
  const t = parts.find(([k]) => k === "t")?.[1];
  if (Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  return parts
    .filter(([k]) => k === "v1")
    .some(([, v]) => {
      const given = Buffer.from(v ?? "", "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const headersFor = (secrets: string[], id = "dlv_abc", unixSeconds = now()) =>
  deliveryHeaders({ id, eventType: "message.created", body, secrets, unixSeconds });

describe("Parley's delivery headers under the standardwebhooks library", () => {
  it("verify with the endpoint's secret as shown at registration, and carry the same signature the library computes", async () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(standardSecret(secret)).toBe(secret);
    const ts = now();
    const headers = await headersFor([secret], "dlv_abc", ts);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers["webhook-signature"]).toBe(new Webhook(secret).sign("dlv_abc", new Date(ts * 1000), body));
    expect(headers["webhook-id"]).toBe(headers["Parley-Delivery"]);
    expect(verifyParley(body, headers["Parley-Signature"], secret)).toBe(true);
  });

  it("refuse a changed body, another id, another secret and a stale timestamp", async () => {
    const secret = newSigningSecret();
    const headers = await headersFor([secret]);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace("héllo", "hello"), headers)).toThrow(/No matching signature/);
    expect(() => wh.verify(body, { ...headers, "webhook-id": "dlv_other" })).toThrow(/No matching signature/);
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow(/No matching signature/);
    const stale = await headersFor([secret], "dlv_abc", now() - 600);
    expect(() => wh.verify(body, stale)).toThrow(/too old/);
    expect(verifyParley(body, stale["Parley-Signature"], secret)).toBe(false);
  });

  it("verify with either secret during a rotation's overlap, and only with the new one after it", async () => {
    const old = newSigningSecret();
    const fresh = newSigningSecret();
    const endpoint = { secret: fresh, previousSecret: old, previousSecretExpiresAt: Date.now() + 60_000 };
    const during = await headersFor(activeSecrets(endpoint, Date.now()));
    expect(during["webhook-signature"].split(" ")).toHaveLength(2);
    for (const s of [old, fresh]) {
      expect(new Webhook(s).verify(body, during)).toEqual(JSON.parse(body));
      expect(verifyParley(body, during["Parley-Signature"], s)).toBe(true);
    }
    const after = await headersFor(activeSecrets(endpoint, Date.now() + 61_000));
    expect(new Webhook(fresh).verify(body, after)).toEqual(JSON.parse(body));
    expect(() => new Webhook(old).verify(body, after)).toThrow(/No matching signature/);
    expect(verifyParley(body, after["Parley-Signature"], old)).toBe(false);
  });

  it("verify for any secret minted before Standard Webhooks (URL-safe base64) once mapped as the docs say", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 24, maxLength: 24 }), async (bytes) => {
        const legacy = `whsec_${toBase64Url(bytes)}`;
        const headers = await headersFor([legacy]);
        const mapped = `whsec_${legacy.slice(6).replaceAll("-", "+").replaceAll("_", "/")}`;
        expect(standardSecret(legacy)).toBe(mapped);
        expect(new Webhook(mapped).verify(body, headers)).toEqual(JSON.parse(body));
        expect(verifyParley(body, headers["Parley-Signature"], legacy)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("sign with a secret's own bytes when it is not whsec_ + base64, which the library takes as raw", async () => {
    for (const odd of ["s3cret!", "whsec_not base64", "whsec_abcde"]) {
      expect([...standardKey(odd)]).toEqual([...new TextEncoder().encode(odd)]);
      const headers = await headersFor([odd]);
      expect(new Webhook(odd, { format: "raw" }).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });
});

describe("the OpenAPI document's webhooks section", () => {
  const doc = openApiDocument(apiRoutes, "https://parley.example/api/v1");
  type Op = {
    post: {
      operationId: string;
      parameters: { name: string; in: string }[];
      requestBody: { content: { "application/json": { schema: { properties: Record<string, { const?: string; properties?: Record<string, unknown>; required?: string[] }> } } } };
    };
  };
  const webhooks = doc.webhooks as Record<string, Op>;

  it("describes every event and the test event, each with its own data schema and the delivery headers", async () => {
    expect(Object.keys(webhooks).sort()).toEqual([...webhookEventType.options, "webhook.test"].sort());
    for (const [type, op] of Object.entries(webhooks)) {
      const schema = op.post.requestBody.content["application/json"].schema;
      expect(schema.properties.type?.const).toBe(type);
      expect(Object.keys(schema.properties.data?.properties ?? {}).length).toBeGreaterThan(0);
      expect(op.post.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(["webhook-id", "webhook-timestamp", "webhook-signature", "Parley-Signature"]),
      );
    }
    const assigned = webhooks["conversation.assigned"]!.post.requestBody.content["application/json"].schema.properties.data!;
    expect(assigned.required).toEqual(expect.arrayContaining(["conversation", "agent", "previousAgent", "via"]));
    const ids = [...Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => (o as { operationId: string }).operationId)), ...Object.values(webhooks).map((w) => w.post.operationId)];
    expect(new Set(ids).size).toBe(ids.length);
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
  });

  it("lists the new endpoint routes", () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/webhooks/{id}/rotate-secret", "/webhooks/{id}/test"]));
    const patch = (doc.paths["/webhooks/{id}"] as Record<string, { requestBody: { content: { "application/json": { schema: { properties: object } } } } }>).patch;
    expect(Object.keys(patch!.requestBody.content["application/json"].schema.properties).sort()).toEqual(["description", "enabled", "events", "url"]);
  });
});
