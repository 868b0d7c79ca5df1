import { z } from "zod";
import { errorResource } from "../../protocol/api-v1";
import { webhookEnvelope, webhookEventData, webhookEventType, webhookTestEventData, webhookTestEventType } from "../../protocol/webhooks";
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

const DELIVERY_HEADERS: [string, string][] = [
  ["webhook-id", "Standard Webhooks: the delivery id, the same on every retry; drop repeats by it."],
  ["webhook-timestamp", "Standard Webhooks: unix seconds of this attempt."],
  ["webhook-signature", 'Standard Webhooks: "v1,<base64 HMAC-SHA256 of \"<id>.<timestamp>.<body>\">", one per signing secret, space-separated.'],
  ["Parley-Event", "The event type."],
  ["Parley-Delivery", "The same as webhook-id."],
  ["Parley-Signature", 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> (one v1= per signing secret).'],
];

const camel = (text: string) => text.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase());

/**
 * The `webhooks` section: every event Parley sends, as the request it makes to the receiver, with
 * the envelope whose `data` is the event's own schema (protocol/webhooks.ts, the same zod the
 * emitters are typed by).
 */
function webhooksSection() {
  const events: [string, z.ZodType, string][] = [
    ...webhookEventType.options.map((type): [string, z.ZodType, string] => [type, webhookEventData[type], `The ${type} event.`]),
    [webhookTestEventType.value, webhookTestEventData, "Sent only by POST /webhooks/{id}/test, to that endpoint."],
  ];
  return Object.fromEntries(
    events.map(([type, data, summary]) => [
      type,
      {
        post: {
          summary,
          operationId: camel(`webhook ${type}`),
          tags: ["Webhook events"],
          parameters: DELIVERY_HEADERS.map(([name, description]) => ({ name, in: "header", required: true, description, schema: { type: "string" } })),
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(webhookEnvelope.extend({ type: z.literal(type), data })) } },
          },
          responses: {
            "2XX": { description: "Received. Anything else (or no answer within 10 s) is retried with backoff for a day." },
          },
        },
      },
    ]),
  );
}

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
      operationId: `${spec.method}${camel(spec.path.replace(/\{(\w+)\}/g, "By_$1"))}`,
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
    webhooks: webhooksSection(),
  };
}
