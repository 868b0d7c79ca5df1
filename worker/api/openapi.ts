import { z } from "zod";
import { errorResource } from "../../protocol/api-v1";
import type { ApiRoute } from "./route";

const ERROR_TEXT: Record<number, string> = {
  400: "The body or query is invalid; the message names the field.",
  401: "A valid API key is required: Authorization: Bearer <key>.",
  403: "Not allowed for this key or in this state.",
  404: "No such object in this key's workspace.",
  409: "Conflicts with the object's current state.",
  413: "Too large.",
  415: "Wrong content type.",
  422: "The Idempotency-Key was used before with a different request.",
  429: "Rate limited; retry after the Retry-After seconds.",
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" });

/** OpenAPI 3.1 for /api/v1, built from the routes' own zod schemas. */
export function openApiDocument(routes: ApiRoute[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const parameters: unknown[] = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (spec.query) {
      const q = jsonSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
      }
    }
    if (spec.method === "post") {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "Retrying a POST with the same key returns the first answer instead of acting twice.",
        schema: { type: "string", maxLength: 200 },
      });
    }
    const responses: Record<string, unknown> = {
      [spec.success.status]: spec.success.schema
        ? { description: spec.success.description, content: { "application/json": { schema: jsonSchema(spec.success.schema) } } }
        : { description: spec.success.description },
    };
    for (const status of [...(spec.errors ?? []), 401, 429]) {
      responses[status] = { description: ERROR_TEXT[status], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
      parameters,
      ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version: "1",
      description: "Drive Parley from your own systems. Every request needs `Authorization: Bearer <API key>`; keys belong to one workspace.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: jsonSchema(errorResource) },
    },
    paths,
  };
}
