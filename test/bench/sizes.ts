import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { repoRoot, runNode } from "./dev-server.ts";

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

/** `bundleDir` holds what `wrangler deploy --dry-run --outdir` wrote (the server's snapshot). */
export async function measureSizes(bundleDir: string): Promise<Sizes> {
  const code = readdirSync(bundleDir).filter((f) => f.endsWith(".js") || f.endsWith(".mjs"));
  const raw = code.reduce((sum, f) => sum + statSync(join(bundleDir, f)).size, 0);
  const gzip = code.reduce((sum, f) => sum + gzipSync(readFileSync(join(bundleDir, f)), { level: 9 }).length, 0);
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
}
