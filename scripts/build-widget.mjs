// Builds the two front ends into dist/, which wrangler serves as static assets.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });

await build({
  entryPoints: { widget: "widget/chat/parley-chat.ts", console: "widget/console/main.ts" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: "es2022",
  tsconfig: "widget/tsconfig.json",
  legalComments: "none",
});

cpSync("widget/pages", "dist", { recursive: true });

for (const file of ["widget.js", "console.js"]) {
  const raw = readFileSync(`dist/${file}`);
  console.log(`dist/${file}: ${(raw.length / 1024).toFixed(1)} KB, ${(gzipSync(raw).length / 1024).toFixed(1)} KB gzipped`);
}
