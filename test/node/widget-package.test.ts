import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHROMIUM_PATH, launchBrowser } from "../browser/browser";
import { generateManifest, MANIFEST_PATH } from "../../scripts/generate-widget-manifest.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = join(root, "widget-package");
const text = (file: string) => readFileSync(join(pkg, file), "utf8");

type Declaration = {
  tagName: string;
  members: { kind: string; name: string; attribute?: string }[];
  events: { name: string }[];
  cssParts: { name: string }[];
  cssProperties: { name: string }[];
};
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as { modules: { declarations: Declaration[] }[] };
const element = manifest.modules[0]!.declarations[0]!;
const fields = element.members.filter((m) => m.kind === "field");
const methods = element.members.filter((m) => m.kind === "method");

describe("the widget package (widget-package/)", () => {
  it("has a custom-elements.json that is what widget/chat/parley-chat.ts says now", () => {
    if (readFileSync(MANIFEST_PATH, "utf8") !== generateManifest()) {
      throw new Error("widget-package/custom-elements.json is out of date with widget/chat/parley-chat.ts: run `npm run widget:manifest` and commit it.");
    }
    expect(element.tagName).toBe("parley-chat");
    expect(fields.map((f) => f.attribute)).toEqual(expect.arrayContaining(["channel", "locale", "topic", "user-id", "user-email", "user-name", "user-hash", "user-token"]));
    expect(methods.map((m) => m.name)).toEqual(["open", "close", "toggle"]);
    expect(element.events.map((e) => e.name)).toEqual(["parley-close", "parley-message", "parley-open", "parley-unread"]);
    expect(element.cssParts.map((p) => p.name)).toEqual(expect.arrayContaining(["launcher", "badge", "panel"]));
    expect(element.cssProperties.map((p) => p.name)).toEqual(expect.arrayContaining(["--parley-accent", "--parley-font"]));
  });

  it("declares in index.d.ts, react.js and react.d.ts exactly what the manifest lists", () => {
    const types = text("index.d.ts");
    const elementBody = /interface ParleyChatElement extends HTMLElement \{([\s\S]*?)\n\}/.exec(types)?.[1] ?? "";
    const declared = [...elementBody.matchAll(/^ {2}(\w+)(?:\(|:)/gm)].map((m) => m[1]);
    expect(new Set(declared)).toEqual(new Set([...fields, ...methods].map((m) => m.name).concat(["addEventListener", "removeEventListener"])));
    for (const f of fields) expect(elementBody).toContain(`Attribute \`${f.attribute}\``);
    const eventMap = /interface ParleyChatEventMap \{([\s\S]*?)\n\}/.exec(types)?.[1] ?? "";
    expect([...eventMap.matchAll(/"([\w-]+)":/g)].map((m) => m[1]).sort()).toEqual(element.events.map((e) => e.name));
    expect(types).toMatch(/interface HTMLElementTagNameMap \{\s*"parley-chat": ParleyChatElement;/);

    const reactProps = JSON.parse(/const PROPERTIES = (\[[^\]]*\])/.exec(text("react.js"))?.[1] ?? "[]") as string[];
    expect(reactProps).toEqual(fields.map((f) => f.name));
    const reactEvents = [...text("react.js").matchAll(/on\w+: "([\w-]+)"/g)].map((m) => m[1]).sort();
    expect(reactEvents).toEqual(element.events.map((e) => e.name));
    expect([...text("react.d.ts").matchAll(/ParleyChatEventMap\["([\w-]+)"\]/g)].map((m) => m[1]).sort()).toEqual(reactEvents);
  });

  // The React wrapper and the loader in a real browser, with the real widget (dist/widget.js) served
  // as if from a Parley Worker at https://parley.test; its API answers 404, which the launcher survives.
  it.skipIf(!existsSync(CHROMIUM_PATH) || !existsSync(join(root, "dist", "widget.js")))(
    "sets React props as the element's properties and calls back on its events, loaded by loadParleyChat",
    async () => {
      const bundle = await build({
        stdin: {
          contents: `
import * as React from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { loadParleyChat } from "./widget-package/index.js";
import { ParleyChat } from "./widget-package/react.js";
window.run = async () => {
  const events = [];
  const root = createRoot(document.getElementById("app"));
  // Rendered before the element is defined, as an app does while the widget loads.
  flushSync(() => root.render(React.createElement(ParleyChat, {
    channel: "acme", locale: "fi", userToken: "a.b.c", hostAttributes: { plan: "Pro" }, className: "chat",
    onOpen: (e) => events.push(e.type), onClose: (e) => events.push(e.type), onUnread: (e) => events.push(e.detail.count),
  })));
  await Promise.all([loadParleyChat("https://parley.test/"), loadParleyChat(new URL("https://parley.test"))]);
  const el = document.querySelector("parley-chat");
  await el.updateComplete;
  el.open();
  el.close();
  return {
    scripts: document.querySelectorAll('script[src="https://parley.test/widget.js"]').length,
    upgraded: el instanceof customElements.get("parley-chat"),
    className: el.className,
    props: { channel: el.channel, locale: el.locale, userToken: el.userToken, hostAttributes: el.hostAttributes },
    launcher: el.shadowRoot.querySelector("button[part=launcher]")?.getAttribute("aria-label"),
    events,
  };
};`,
          resolveDir: root,
          loader: "js",
        },
        bundle: true,
        format: "iife",
        write: false,
        define: { "process.env.NODE_ENV": '"production"' },
        logLevel: "error",
      });
      const script = bundle.outputFiles[0]!.text;
      const browser = await launchBrowser();
      try {
        await browser.page.route("https://host.test/**", (route) =>
          route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en"><body><div id="app"></div><script>${script.replace(/<\/script/g, "<\\/script")}</script></body></html>` }),
        );
        await browser.page.route("https://parley.test/**", (route) => {
          const path = new URL(route.request().url()).pathname;
          const file = join(root, "dist", path);
          const headers = { "access-control-allow-origin": "*" };
          if (path.startsWith("/widget") && extname(path) === ".js" && existsSync(file)) {
            return route.fulfill({ contentType: "text/javascript", headers, body: readFileSync(file, "utf8") });
          }
          return route.fulfill({ status: 404, contentType: "application/json", headers, body: '{"error":{"code":"not_found","message":"test"}}' });
        });
        await browser.page.goto("https://host.test/");
        const result = await browser.page.evaluate(() => (window as unknown as { run: () => Promise<unknown> }).run());
        expect(result).toEqual({
          scripts: 1,
          upgraded: true,
          className: "chat",
          props: { channel: "acme", locale: "fi", userToken: "a.b.c", hostAttributes: { plan: "Pro" } },
          launcher: expect.any(String),
          events: ["parley-open", "parley-close"],
        });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
