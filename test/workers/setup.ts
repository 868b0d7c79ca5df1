import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Tests have no network: the resolver the MX check asks (DOH_URL in vitest.config.ts) answers
// "takes mail" here, and the MX tests mock it further with vi.spyOn.
const realFetch = globalThis.fetch;
vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) =>
  String(input instanceof Request ? input.url : input).startsWith("https://doh.invalid/")
    ? Promise.resolve(Response.json({ Status: 0, Answer: [{ type: 15, data: "10 mx.test." }] }))
    : realFetch(input, init),
);
