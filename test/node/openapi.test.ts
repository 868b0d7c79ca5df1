import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { apiRoutes } from "../../worker/api/routes";
import { openApiDocument } from "../../worker/api/openapi";

describe("the OpenAPI document of /api/v1", () => {
  const doc = openApiDocument(apiRoutes, "https://parley.example/api/v1");

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes every route, with its body schema and a unique operation id", () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(expect.arrayContaining([
      "POST /conversations",
      "GET /conversations",
      "GET /conversations/{id}",
      "PATCH /conversations/{id}",
      "DELETE /conversations/{id}",
      "POST /conversations/{id}/messages",
      "GET /conversations/{id}/messages",
      "GET /conversations/{id}/transcript",
      "PUT /contacts/{externalId}",
      "PUT /accounts/{externalId}",
      "GET /tickets",
      "POST /webhooks",
      "GET /webhooks/{id}/deliveries",
      "POST /webhooks/{id}/deliveries/{deliveryId}/redeliver",
      "POST /inbound-hooks",
    ]));
    expect(operations).toHaveLength(apiRoutes.length);
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((op) => (op as { operationId: string }).operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const create = (doc.paths["/conversations"] as Record<string, { requestBody: { content: { "application/json": { schema: { required: string[] } } } } }>).post;
    expect(create?.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["contact", "message"]));
  });
});
