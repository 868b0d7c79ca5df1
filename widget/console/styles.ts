import { css } from "lit";

export const consoleStyles = css`
  :host { display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; }
  * { box-sizing: border-box; }
  button, input, textarea, select { font: inherit; color: inherit; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible, a:focus-visible, [tabindex]:focus-visible {
    outline: 3px solid #8aa4f5; outline-offset: 1px;
  }
  .primary { border: 0; border-radius: 7px; padding: 8px 14px; background: #2f5bea; color: #fff; font-weight: 600; cursor: pointer; }
  .primary:disabled, .secondary:disabled, .danger:disabled { opacity: 0.55; cursor: default; }
  .secondary { border: 1px solid #c5cad6; border-radius: 7px; padding: 6px 12px; background: #fff; color: #1d2330; cursor: pointer; }
  .secondary:hover:not(:disabled) { background: #f1f3f8; }
  .danger { border: 1px solid #e2b4b0; border-radius: 7px; padding: 6px 12px; background: #fff; color: #b3261e; cursor: pointer; }
  .danger.solid { background: #b3261e; border-color: #b3261e; color: #fff; font-weight: 600; }
  .link { border: 0; background: none; padding: 0; color: #2f5bea; cursor: pointer; text-decoration: underline; }
  .error { color: #b3261e; }
  input, textarea, select { border: 1px solid #c5cad6; border-radius: 7px; padding: 7px 9px; background: #fff; }
  label.field { display: flex; flex-direction: column; gap: 4px; font-weight: 600; font-size: 13px; }
  label.field > input, label.field > textarea, label.field > select { font-weight: 400; font-size: 14px; }
  .badge {
    display: inline-flex; align-items: center; justify-content: center; min-width: 20px; height: 20px; padding: 0 6px;
    border-radius: 10px; background: #1f9d55; color: #fff; font-size: 12px; font-weight: 700; line-height: 1;
  }
  .badge.alert { background: #d93025; }
  .badge.zero { background: #8a91a3; }
  .chip { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eef0f5; color: #3d4455; }
  .chip.queued { background: #fff4d6; color: #7a5300; }
  .chip.active { background: #dff3e6; color: #13622f; }
  .chip.ended { background: #eceef3; color: #5b6272; }
  .chip.answered { background: #e3ecff; color: #1f44b8; }
  .muted { color: #5b6272; }
  .icon { flex: none; vertical-align: -3px; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  dialog { border: 0; border-radius: 12px; padding: 22px; box-shadow: 0 10px 40px rgb(0 0 0 / 0.25); max-width: 480px; width: calc(100% - 32px); }
  dialog::backdrop { background: rgb(20 24 33 / 0.45); }
  dialog h2 { margin: 0 0 10px; font-size: 18px; }
  dialog form { display: grid; gap: 12px; }
  .dialog-actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 6px; }
`;
