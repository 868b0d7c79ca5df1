// Plain Node tests of pure modules that need Node-only tools (e.g. an OpenAPI validator, which
// compiles schemas with `new Function` and so cannot run inside workerd).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root: repoRoot,
  test: { name: "node", root: repoRoot, environment: "node", include: ["test/node/**/*.test.ts"] },
});
