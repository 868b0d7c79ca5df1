// Browser end-to-end tests: a real `wrangler dev` server (started by global-setup.ts)
// driven by Chromium through playwright-core. Tests run in Node, one file at a time.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: repoRoot,
  test: {
    name: 'browser',
    root: repoRoot,
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
