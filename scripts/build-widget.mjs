// Builds the two front ends into dist/, which wrangler serves as static assets.
//
// The widget is split: dist/widget.js is the launcher a host page loads up front, and everything
// else (the session, the open panel, one file per locale) is imported from it when needed. Every
// file is named widget*.js so the Worker's /widget* route serves it with CORS to any page.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { reportWidgetSize } from "./check-widget-size.mjs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });

const common = {
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: "es2022",
  tsconfig: "widget/tsconfig.json",
  legalComments: "none",
  outdir: "dist",
};

await Promise.all([
  build({
    ...common,
    entryPoints: { widget: "widget/chat/parley-chat.ts" },
    splitting: true,
    entryNames: "[name]",
    chunkNames: "widget-[name]-[hash]",
  }),
  build({ ...common, entryPoints: { console: "widget/console/main.ts" } }),
]);

cpSync("widget/pages", "dist", { recursive: true });

reportWidgetSize("dist");
