import { css } from "lit";

export const consoleStyles = css`
  :host { display: block; height: 100vh; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; }
  * { box-sizing: border-box; }
  button, input, textarea, select { font: inherit; color: inherit; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #8aa4f5; outline-offset: 1px; }
  .primary { border: 0; border-radius: 7px; padding: 8px 14px; background: #2f5bea; color: #fff; font-weight: 600; cursor: pointer; }
  .secondary { border: 1px solid #c5cad6; border-radius: 7px; padding: 6px 12px; background: #fff; color: #1d2330; cursor: pointer; }
  .error { color: #b3261e; }
  input, textarea { border: 1px solid #c5cad6; border-radius: 7px; padding: 8px 10px; background: #fff; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
