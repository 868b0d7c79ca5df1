import type { openApiDocument } from "./openapi";

type Doc = ReturnType<typeof openApiDocument>;
type Operation = {
  summary: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: unknown } } }>;
};

const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);
const json = (v: unknown) => esc(JSON.stringify(v, null, 2));

/** A readable, dependency-free reference of /api/v1, rendered from the same OpenAPI document. */
export function referencePage(doc: Doc): string {
  const sections = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const params = op.parameters
        .map((p) => `<li><code>${esc(p.name)}</code> <span class="in">${esc(p.in)}${p.required ? ", required" : ""}</span>${p.description ? ` — ${esc(p.description)}` : ""}</li>`)
        .join("");
      const body = op.requestBody ? `<details><summary>Request body</summary><pre>${json(op.requestBody.content["application/json"].schema)}</pre></details>` : "";
      const responses = Object.entries(op.responses)
        .map(([status, r]) =>
          r.content && !status.startsWith("4")
            ? `<details><summary>${esc(status)} ${esc(r.description)}</summary><pre>${json(r.content["application/json"].schema)}</pre></details>`
            : `<div class="status">${esc(status)} ${esc(r.description)}</div>`,
        )
        .join("");
      const html = `<article id="${esc(method + path)}"><h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api/v1${esc(path)}</code></h3>
        <p>${esc(op.summary)}</p>${params ? `<ul>${params}</ul>` : ""}${body}${responses}</article>`;
      const tag = op.tags[0] ?? "Other";
      sections.set(tag, [...(sections.get(tag) ?? []), html]);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:24px;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6fa;padding:10px;overflow:auto;border-radius:6px}
article{border-top:1px solid #e3e6ee;padding:8px 0}.method{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7d4f}.post{background:#2f5bea}.put{background:#8a5a00}.patch{background:#8a5a00}.delete{background:#b3261e}
.in{color:#5b6272}.status{color:#5b6272;font-size:13px}summary{cursor:pointer}
</style></head><body><h1>Parley API reference</h1>
<p>${esc(doc.info.description)} The machine-readable document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).
Errors are always <code>{"error":{"code","message"}}</code>; a 429 carries <code>Retry-After</code>.</p>
${[...sections].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join("")}`).join("")}
</body></html>`;
}
