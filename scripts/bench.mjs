// `npm run bench`: Parley against a bare Worker + Durable Object under the same load (test/bench/).
// `npm run bench -- --help` lists the options.
await import("../test/bench/bench.ts");
