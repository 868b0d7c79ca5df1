// Builds the two front ends into dist/, which wrangler serves as static assets.
//
// The widget is split: dist/widget.js is the launcher a host page loads up front, and everything
// else (the session, the open panel, one file per locale) is imported from it when needed. Every
// file is named widget*.js so the Worker's /widget* route serves it with CORS to any page.
//
// A running `wrangler dev` serves dist/ while it is rebuilt, so the new files are built aside and
// moved in one by one (each move is atomic), and only then are stale files removed: dist/ never
// lacks a widget.js.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { reportWidgetSize } from "./check-widget-size.mjs";

const staging = join(".wrangler", "tmp", `build-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

const common = {
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: "es2022",
  tsconfig: "widget/tsconfig.json",
  legalComments: "none",
  outdir: staging,
};

try {
  await Promise.all([
    build({
      ...common,
      entryPoints: { widget: "widget/chat/parley-chat.ts" },
      splitting: true,
      entryNames: "[name]",
      chunkNames: "widget-[name]-[hash]",
    }),
    // The console splits too: Reports and its charting library are a chunk of their own, loaded when opened.
    build({
      ...common,
      entryPoints: { console: "widget/console/main.ts" },
      splitting: true,
      entryNames: "[name]",
      chunkNames: "console-[name]-[hash]",
      loader: { ".css": "text" },
    }),
  ]);
  cpSync("widget/pages", staging, { recursive: true });

  mkdirSync("dist", { recursive: true });
  const built = new Set(readdirSync(staging));
  // Chunks first, so the entry that imports them is never newer than they are.
  const order = [...built].sort((a, b) => Number(a === "widget.js" || a === "console.js") - Number(b === "widget.js" || b === "console.js"));
  for (const file of order) {
    // A directory cannot be renamed onto a non-empty one; files are replaced atomically.
    if (statSync(join(staging, file)).isDirectory()) rmSync(join("dist", file), { recursive: true, force: true });
    renameSync(join(staging, file), join("dist", file));
  }
  for (const file of readdirSync("dist")) if (!built.has(file)) rmSync(join("dist", file), { recursive: true, force: true });
} finally {
  rmSync(staging, { recursive: true, force: true });
}

reportWidgetSize("dist");
