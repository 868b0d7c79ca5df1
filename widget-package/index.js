/**
 * Loads <parley-chat> from your Parley Worker and resolves once it is defined. The element is not
 * bundled into this package on purpose: it talks to the Worker it was loaded from, and loading it
 * from there keeps the widget and the server the same version. Safe to call many times, and does
 * nothing outside a browser (server rendering).
 *
 * @example
 * await loadParleyChat("https://support.example.com");
 */
export function loadParleyChat(workerUrl) {
  if (typeof document === "undefined" || typeof customElements === "undefined") return Promise.resolve();
  if (!customElements.get("parley-chat")) {
    const src = new URL("/widget.js", workerUrl).href;
    if (![...document.querySelectorAll("script[src]")].some((s) => s.src === src)) {
      const script = document.createElement("script");
      script.type = "module";
      script.src = src;
      document.head.append(script);
    }
  }
  return customElements.whenDefined("parley-chat").then(() => undefined);
}
