import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { removeDir, repoRoot, runNode, tempDir, wrangler } from "./dev-server.ts";

export type Sizes = {
  /** What `wrangler deploy --dry-run` would upload: the bundled Worker (and its Durable Objects). */
  workerBundleKb: number;
  workerBundleGzipKb: number;
  /** `npm run size`: the widget a host page downloads before the chat is opened, gzipped. */
  widgetFirstLoadGzipKb: number | null;
  widgetBeforeOpeningGzipKb: number | null;
  widgetReport: string;
};

const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

/** The front ends are built when dist/ is missing (a fresh clone); an existing build is measured as it is. */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(join(repoRoot, "dist", "widget.js"))) await runNode("npm run build", [join(repoRoot, "scripts", "build-widget.mjs")]);
}

export async function measureSizes(): Promise<Sizes> {
  const outdir = await tempDir("parley-bundle-");
  try {
    await wrangler("wrangler deploy --dry-run", ["deploy", "--dry-run", "--outdir", outdir]);
    const code = readdirSync(outdir).filter((f) => f.endsWith(".js") || f.endsWith(".mjs"));
    const raw = code.reduce((sum, f) => sum + statSync(join(outdir, f)).size, 0);
    const gzip = code.reduce((sum, f) => sum + gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length, 0);
    const report = await runNode("npm run size", [join(repoRoot, "scripts", "check-widget-size.mjs"), "dist"]);
    const gz = (pattern: RegExp) => {
      const match = pattern.exec(report);
      return match ? Number(match[1]) : null;
    };
    return {
      workerBundleKb: kb(raw),
      workerBundleGzipKb: kb(gzip),
      widgetFirstLoadGzipKb: gz(/first load[^\n]*?([\d.]+) KB gzipped/),
      widgetBeforeOpeningGzipKb: gz(/budget before opening: ([\d.]+) KB/),
      widgetReport: report.trim(),
    };
  } finally {
    await removeDir(outdir);
  }
}
