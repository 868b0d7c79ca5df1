// The widget's size budget: everything a host page downloads before the visitor opens the chat
// must stay within 20 KB gzipped. That is widget.js with the chunks it imports statically, plus,
// for a returning visitor whose unread badge is live before opening, the session chunk and the
// largest locale. `node scripts/check-widget-size.mjs` exits 1 past the budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 20 * 1024;
const LOCALES = ["en", "fi", "sv", "no", "da", "de", "nl", "it"];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function graph(dir) {
  const files = readdirSync(dir).filter((f) => /^widget.*\.js$/.test(f));
  const nodes = new Map();
  for (const file of files) {
    const code = readFileSync(join(dir, file));
    const text = code.toString("utf8");
    const staticImports = [...text.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);
    const dynamicImports = [...text.matchAll(/\bimport\(\s*"\.\/([^"]+\.js)"\s*\)/g)].map((m) => m[1]);
    nodes.set(file, { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, staticImports, dynamicImports });
  }
  return nodes;
}

function closure(nodes, roots) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !nodes.has(file)) return;
    seen.add(file);
    for (const next of nodes.get(file).staticImports) visit(next);
  };
  roots.forEach(visit);
  return seen;
}

const total = (nodes, files, key) => [...files].reduce((sum, f) => sum + nodes.get(f)[key], 0);

/** Prints the sizes and returns whether the pre-open set fits the budget. */
export function reportWidgetSize(dir) {
  const nodes = graph(dir);
  if (!nodes.has("widget.js")) throw new Error(`${dir}/widget.js is missing: build first`);
  const firstLoad = closure(nodes, ["widget.js"]);
  const session = [...nodes.keys()].filter((f) => f.startsWith("widget-session-"));
  const localeFiles = [...nodes.keys()].filter((f) => LOCALES.some((l) => f.startsWith(`widget-${l}-`)));
  const largestLocale = localeFiles.sort((a, b) => nodes.get(b).gzip - nodes.get(a).gzip)[0];
  const preOpen = closure(nodes, ["widget.js", ...session, ...(largestLocale ? [largestLocale] : [])]);
  const everything = new Set(nodes.keys());

  const line = (label, files) =>
    console.log(`${label.padEnd(44)} ${kb(total(nodes, files, "raw")).padStart(9)} ${kb(total(nodes, files, "gzip")).padStart(9)} gzipped`);
  line(`widget: first load (${firstLoad.size} files)`, firstLoad);
  line(`widget: before opening, returning visitor (${preOpen.size})`, preOpen);
  line(`widget: everything (${everything.size} files, lazily loaded)`, everything);
  const preOpenGzip = total(nodes, preOpen, "gzip");
  const ok = preOpenGzip <= BUDGET_BYTES;
  console.log(`widget budget before opening: ${kb(preOpenGzip)} of ${kb(BUDGET_BYTES)} gzipped: ${ok ? "ok" : "OVER BUDGET"}`);
  return ok;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!reportWidgetSize(process.argv[2] ?? "dist")) process.exit(1);
}
