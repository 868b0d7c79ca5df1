// `npm run chaos`: kill -9 the dev server under load, restart it, and check that every message
// survived exactly once and in order (test/bench/chaos.ts).
await import("../test/bench/chaos.ts");
