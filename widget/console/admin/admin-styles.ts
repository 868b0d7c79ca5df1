import { css } from "lit";

/** The look shared by every Administration view; the console's own palette, at home in any container. */
export const adminStyles = css`
  :host { display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; }
  * { box-sizing: border-box; }
  button, input, textarea, select { font: inherit; color: inherit; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible, [tabindex]:focus-visible {
    outline: 3px solid #8aa4f5; outline-offset: 1px;
  }
  h2 { font-size: 18px; margin: 0 0 12px; }
  h3 { font-size: 15px; margin: 0 0 8px; }
  p.hint, .hint { color: #5b6272; font-size: 13px; margin: 4px 0 0; }
  .primary { border: 0; border-radius: 7px; padding: 8px 14px; background: #2f5bea; color: #fff; font-weight: 600; cursor: pointer; }
  .primary:disabled { opacity: 0.6; cursor: default; }
  .secondary { border: 1px solid #c5cad6; border-radius: 7px; padding: 6px 12px; background: #fff; color: #1d2330; cursor: pointer; }
  .danger { border: 1px solid #e2b4b0; border-radius: 7px; padding: 6px 12px; background: #fff; color: #b3261e; cursor: pointer; }
  .danger.solid { background: #b3261e; border-color: #b3261e; color: #fff; font-weight: 600; }
  .link { border: 0; background: none; padding: 0; color: #2f5bea; cursor: pointer; text-align: left; text-decoration: underline; }
  input, textarea, select { border: 1px solid #c5cad6; border-radius: 7px; padding: 7px 9px; background: #fff; }
  textarea { resize: vertical; }
  input[type="checkbox"] { width: 16px; height: 16px; margin: 0; accent-color: #2f5bea; }
  label.field { display: flex; flex-direction: column; gap: 4px; font-weight: 600; font-size: 13px; }
  label.field > input, label.field > textarea, label.field > select { font-weight: 400; font-size: 14px; }
  label.check { display: flex; align-items: center; gap: 8px; font-size: 14px; }
  fieldset { border: 1px solid #e3e6ee; border-radius: 10px; padding: 14px 16px 16px; margin: 0 0 16px; display: grid; gap: 12px; }
  legend { font-weight: 700; padding: 0 6px; }
  .row { display: flex; gap: 10px; align-items: end; flex-wrap: wrap; }
  .actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .error { color: #b3261e; margin: 0; }
  .ok { color: #1b7a3d; margin: 0; }
  .card { border: 1px solid #e3e6ee; border-radius: 10px; padding: 16px; background: #fff; }
  table { border-collapse: collapse; width: 100%; }
  th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #5b6272; font-weight: 600; }
  th, td { padding: 8px 10px; border-bottom: 1px solid #eceef3; vertical-align: top; }
  .muted { color: #5b6272; }
  td.actions-cell { white-space: nowrap; width: 1%; }
  td.actions-cell .actions { flex-wrap: nowrap; justify-content: flex-end; }
  td.nowrap { white-space: nowrap; }
  .badge { white-space: nowrap; display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef0f5; }
  .badge.good { background: #e3f4e8; color: #1b7a3d; }
  .badge.bad { background: #fbe7e5; color: #b3261e; }
  code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
  pre { background: #f4f6fa; border: 1px solid #e3e6ee; border-radius: 8px; padding: 10px 12px; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
