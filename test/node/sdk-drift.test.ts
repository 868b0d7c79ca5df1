import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSchema, SCHEMA_PATH } from "../../scripts/generate-sdk.mjs";

describe("sdk/src/schema.d.ts", () => {
  it("is what the API's zod schemas generate now", async () => {
    const fresh = await generateSchema();
    const committed = readFileSync(SCHEMA_PATH, "utf8");
    if (committed !== fresh) {
      throw new Error("sdk/src/schema.d.ts is out of date with the API's zod schemas: run `npm run sdk:generate` and commit it.");
    }
    expect(fresh).toContain('"/conversations/{id}/messages"');
  }, 60_000);
});
