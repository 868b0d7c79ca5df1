import { css } from "lit";

// `all: initial` on the host, so no rule of the embedding page reaches inside; theme through the
// --parley-* custom properties, which do inherit through the shadow boundary by design.
export const chatStyles = css`
  :host {
    all: initial;
    position: fixed;
    right: 20px;
    bottom: 20px;
    z-index: 2147483000;
    font: 15px/1.4 var(--parley-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
    color: var(--parley-text, #1d2330);
    --accent: var(--parley-accent, #2f5bea);
    --accent-text: var(--parley-accent-text, #fff);
  }
  * { box-sizing: border-box; }
  button, input, textarea { font: inherit; color: inherit; }
  .launcher {
    display: block; margin-left: auto; border: 0; border-radius: 999px; padding: 12px 20px;
    background: var(--accent); color: var(--accent-text); font-weight: 600; cursor: pointer;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.2);
  }
  .launcher:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible {
    outline: 3px solid color-mix(in srgb, var(--accent) 50%, white); outline-offset: 2px;
  }
  .panel {
    width: min(370px, calc(100vw - 40px)); height: min(560px, calc(100vh - 100px)); margin-bottom: 12px;
    display: flex; flex-direction: column; background: var(--parley-background, #fff);
    border-radius: 14px; box-shadow: 0 12px 40px rgb(0 0 0 / 0.25); overflow: hidden;
  }
  header { padding: 14px 16px; background: var(--accent); color: var(--accent-text); }
  header h2 { margin: 0; font-size: 16px; }
  header p { margin: 2px 0 0; font-size: 13px; opacity: 0.9; }
  form.start { padding: 16px; display: flex; flex-direction: column; gap: 10px; overflow: auto; }
  label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; font-weight: 600; }
  input, textarea {
    border: 1px solid #c5cad6; border-radius: 8px; padding: 8px 10px; font-weight: 400; background: #fff;
  }
  textarea { resize: none; min-height: 44px; }
  .primary {
    border: 0; border-radius: 8px; padding: 10px 14px; background: var(--accent); color: var(--accent-text);
    font-weight: 600; cursor: pointer;
  }
  .primary[disabled] { opacity: 0.6; cursor: default; }
  .error { color: #b3261e; font-size: 13px; margin: 0; }
  .log { flex: 1; overflow-y: auto; padding: 12px 14px; display: flex; flex-direction: column; gap: 8px; }
  .msg { max-width: 85%; padding: 8px 11px; border-radius: 12px; overflow-wrap: anywhere; }
  .msg .body { white-space: pre-wrap; }
  .msg.visitor { align-self: flex-end; background: var(--accent); color: var(--accent-text); border-bottom-right-radius: 4px; }
  .msg.agent, .msg.system { align-self: flex-start; background: #eef0f5; border-bottom-left-radius: 4px; }
  .msg .meta { display: block; font-size: 11px; opacity: 0.75; margin-top: 2px; }
  .msg.sending { opacity: 0.65; }
  .status { font-size: 12px; padding: 4px 14px; color: #5b6272; }
  .composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e3e6ee; }
  .composer textarea { flex: 1; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
