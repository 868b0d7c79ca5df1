import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Tests have no network: the resolver that the MX check and the webhook URL check ask (DOH_URL in
// vitest.config.ts) answers "takes mail" and one public address per name here; tests that need
// other answers mock it further with vi.spyOn.
const realFetch = globalThis.fetch;
const PUBLIC_ANSWER: Record<string, { type: number; data: string }> = {
  A: { type: 1, data: "93.184.215.14" },
  AAAA: { type: 28, data: "2606:2800:21f:cb07:6820:80da:af6b:8b2c" },
  MX: { type: 15, data: "10 mx.test." },
};
vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.startsWith("https://doh.invalid/")) return realFetch(input, init);
  const type = new URL(url).searchParams.get("type") ?? "MX";
  return Promise.resolve(Response.json({ Status: 0, Answer: [PUBLIC_ANSWER[type] ?? PUBLIC_ANSWER.MX] }));
});
