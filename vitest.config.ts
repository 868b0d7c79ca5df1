import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations("migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          TOKEN_SECRET: "test-secret-test-secret-test-secret-0123",
          PARLEY_ENV: "test",
          // Never a real resolver in tests: test/workers/setup.ts answers it.
          DOH_URL: "https://doh.invalid/dns-query",
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    setupFiles: ["test/workers/setup.ts"],
    // The Worker logs a JSON line per request (worker/http/request-log.ts); thousands of them would bury the results.
    onConsoleLog: (log) => !log.startsWith('{"event":"request"'),
  },
});
