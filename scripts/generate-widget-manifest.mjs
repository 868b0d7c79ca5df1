// Writes widget-package/custom-elements.json (the Custom Elements Manifest, schema 2.1.0) for
// <parley-chat>, read from the component's own source with the TypeScript compiler: its public
// reactive properties and their attributes, public methods, the events it dispatches, its parts (its
// own and those it exports from the panel) and the --parley-* custom properties of its styles.
// @custom-elements-manifest/analyzer would do the same in general but pins TypeScript 5.4 and needs
// JSDoc tags (@fires, @csspart) the component does not carry; this element is one class, so a small
// reader that knows its shape is enough, and it fails loudly when the shape changes.
//
//   npm run widget:manifest            rewrite the manifest
//   npm run widget:manifest -- --check exit 1 when it is stale (test/node/widget-package.test.ts checks too)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
export const MANIFEST_PATH = join(root, "widget-package", "custom-elements.json");
const SOURCE = "widget/chat/parley-chat.ts";
const STYLE_SOURCES = ["widget/chat/host-styles.ts", "widget/chat/view-styles.ts", "widget/chat/panel.ts"];
// Set by the panel itself from the visual viewport: not a theme knob.
const INTERNAL_CSS_PROPERTIES = new Set(["--parley-visible-height", "--parley-visible-top"]);

/** What the source cannot say by itself: each event's detail and each method's purpose. */
const EVENTS = {
  "parley-open": { description: "The chat panel opened (by the visitor, open() or toggle()).", type: "CustomEvent<null>" },
  "parley-close": { description: "The chat panel closed.", type: "CustomEvent<null>" },
  "parley-message": { description: "A message arrived in the visitor's conversation; detail is the message.", type: "CustomEvent<ParleyMessage>" },
  "parley-unread": { description: "The count of unread agent messages changed; detail is { count }.", type: "CustomEvent<{ count: number }>" },
};
const METHODS = {
  open: "Opens the chat panel.",
  close: "Closes the chat panel.",
  toggle: "Opens the panel when closed, closes it when open.",
};
const PROPERTY_DESCRIPTIONS = {
  channel: "The channel's key (required).",
  locale: "en, fi, sv, no, da, de, nl or it; empty follows the browser.",
  topic: "Preselects a topic of the channel.",
  userId: "A signed-in customer's id, with userHash.",
  userEmail: "The signed-in customer's email, with userHash.",
  userName: "The signed-in customer's name, with userHash.",
  userHash: "Hex HMAC-SHA256 of userId with the channel's identity secret, computed on your server.",
  userToken: "A JWT (HS256, the channel's identity secret) minted on your server: sub, exp, email, name, account_id, request_id, attributes.",
};

const read = (path) => readFileSync(join(root, path), "utf8");
const fail = (message) => {
  throw new Error(`generate-widget-manifest: ${message} in ${SOURCE}; update scripts/generate-widget-manifest.mjs`);
};
const docOf = (node, file) =>
  ts
    .getJSDocCommentsAndTags(node)
    .map((d) => (typeof d.comment === "string" ? d.comment : ""))
    .join(" ")
    .trim() || (ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? []).map((r) => file.text.slice(r.pos, r.end).replace(/^\/\*\*?|\*\/$/g, "").trim()).join(" ");

function readClass() {
  const file = ts.createSourceFile(SOURCE, read(SOURCE), ts.ScriptTarget.ES2022, true);
  let cls;
  let tagName;
  const visit = (node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === "ParleyChat") cls = node;
    if (ts.isCallExpression(node) && node.expression.getText(file) === "customElements.define") tagName = node.arguments[0]?.text;
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (!cls || !tagName) fail("no ParleyChat class registered with customElements.define");
  return { file, cls, tagName };
}

const isPublic = (member) => !member.modifiers?.some((m) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind)) && !member.name?.getText().startsWith("#");

function readMembers({ file, cls }) {
  const declared = new Map();
  for (const m of cls.members) if (ts.isPropertyDeclaration(m) && m.type) declared.set(m.name.getText(file), m.type.getText(file));
  const staticProps = cls.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText(file) === "properties");
  if (!staticProps || !ts.isObjectLiteralExpression(staticProps.initializer)) fail("no `static properties = { … }`");
  const fields = [];
  const attributes = [];
  for (const p of staticProps.initializer.properties) {
    const options = Object.fromEntries(p.initializer.properties.map((o) => [o.name.getText(file), o.initializer.getText(file)]));
    if (options.state === "true") continue;
    const name = p.name.getText(file);
    const type = declared.get(name) ?? fail(`property ${name} has no declared type`);
    const attribute = options.attribute ? JSON.parse(options.attribute) : name.toLowerCase();
    const description = docOf(p, file) || PROPERTY_DESCRIPTIONS[name] || fail(`property ${name} has no description`);
    fields.push({ kind: "field", name, type: { text: type }, description, attribute });
    attributes.push({ name: attribute, type: { text: type }, description, fieldName: name });
  }
  for (const m of cls.members) {
    if (!ts.isMethodDeclaration(m) || !isPublic(m) || m.modifiers?.some((x) => x.kind === ts.SyntaxKind.OverrideKeyword)) continue;
    const name = m.name.getText(file);
    fields.push({ kind: "method", name, description: METHODS[name] ?? fail(`method ${name} has no description`), return: { type: { text: m.type?.getText(file) ?? "void" } } });
  }
  return { fields, attributes };
}

function readEvents({ file, cls }) {
  const names = new Set();
  const visit = (node) => {
    if (ts.isNewExpression(node) && node.expression.getText(file) === "CustomEvent") {
      // forEachChild stops at the first truthy return, so this returns nothing.
      const collect = (n) => {
        if (ts.isStringLiteral(n)) names.add(n.text);
        else ts.forEachChild(n, collect);
      };
      collect(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(cls);
  return [...names].sort().map((name) => ({ name, ...(EVENTS[name] ?? fail(`event ${name} has no entry in EVENTS`)), type: { text: EVENTS[name].type } }));
}

function readParts({ file }) {
  const own = [...file.text.matchAll(/\bpart="([\w-]+)"/g)].map((m) => m[1]);
  const exported = [...file.text.matchAll(/\bexportparts="([^"]+)"/g)].flatMap((m) => m[1].split(",").map((s) => s.trim()));
  return [...new Set([...own, ...exported])].map((name) => ({ name }));
}

function readCssProperties() {
  const names = new Set();
  for (const path of STYLE_SOURCES) {
    for (const m of read(path).matchAll(/var\((--parley-[a-z0-9-]+)/g)) if (!INTERNAL_CSS_PROPERTIES.has(m[1])) names.add(m[1]);
  }
  return [...names].sort().map((name) => ({ name }));
}

/** The manifest's text as the source says now. */
export function generateManifest() {
  const source = readClass();
  const { fields, attributes } = readMembers(source);
  const manifest = {
    schemaVersion: "2.1.0",
    readme: "README.md",
    modules: [
      {
        kind: "javascript-module",
        path: "widget.js",
        declarations: [
          {
            kind: "class",
            name: "ParleyChat",
            tagName: source.tagName,
            customElement: true,
            description: "Parley's chat for visitors: a launcher button that opens the chat panel. Load it from your Parley Worker's /widget.js.",
            superclass: { name: "LitElement", package: "lit" },
            members: fields,
            attributes,
            events: readEvents(source),
            cssParts: readParts(source),
            cssProperties: readCssProperties(),
          },
        ],
        exports: [
          { kind: "js", name: "ParleyChat", declaration: { name: "ParleyChat", module: "widget.js" } },
          { kind: "custom-element-definition", name: source.tagName, declaration: { name: "ParleyChat", module: "widget.js" } },
        ],
      },
    ],
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fresh = generateManifest();
  if (process.argv.includes("--check")) {
    if (readFileSync(MANIFEST_PATH, "utf8") !== fresh) {
      console.error("widget-package/custom-elements.json is out of date with widget/chat/parley-chat.ts: run `npm run widget:manifest` and commit it.");
      process.exit(1);
    }
    console.log("widget-package/custom-elements.json is up to date");
  } else {
    writeFileSync(MANIFEST_PATH, fresh);
    console.log(`wrote ${MANIFEST_PATH}`);
  }
}
