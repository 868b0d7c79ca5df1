import { css } from "lit";

/** What every part of the open widget shares: form controls, buttons, notices. */
export const viewStyles = css`
  :host {
    display: block;
    --accent: var(--parley-accent, #2f5bea);
    --accent-text: var(--parley-accent-text, #fff);
    --muted: #5b6272;
    --line: #d5d9e3;
    --danger: #b3261e;
    --surface: #f2f4f8;
  }
  * {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
  }
  p {
    margin: 0;
  }
  h3 {
    margin: 0;
    font-size: 14px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  label {
    font-size: 13px;
    font-weight: 600;
  }
  .req {
    color: var(--danger);
    margin-left: 2px;
  }
  input,
  select,
  textarea {
    width: 100%;
    border: 1px solid #b9bfcc;
    border-radius: 8px;
    padding: 9px 11px;
    background: #fff;
    font-weight: 400;
    /* Under 16px, iOS zooms the page in when a field takes focus. */
    font-size: 16px;
  }
  textarea {
    resize: none;
  }
  [aria-invalid="true"] {
    border-color: var(--danger);
    box-shadow: 0 0 0 1px var(--danger);
  }
  .error {
    color: var(--danger);
    font-size: 13px;
  }
  .hint {
    color: var(--muted);
    font-size: 13px;
  }
  button {
    cursor: pointer;
  }
  button[disabled] {
    cursor: default;
    opacity: 0.6;
  }
  .primary {
    border: 0;
    border-radius: 8px;
    padding: 10px 16px;
    background: var(--accent);
    color: var(--accent-text);
    font-weight: 600;
  }
  .secondary {
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 9px 14px;
    background: #fff;
    font-weight: 600;
  }
  .link {
    border: 0;
    padding: 0;
    background: none;
    color: var(--accent);
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  :focus-visible {
    outline: 3px solid var(--parley-focus, #ffbf47);
    outline-offset: 1px;
  }
  /* Headings and notices take focus only to be read out at the start of a step. */
  [tabindex="-1"]:focus-visible {
    outline: none;
  }
  .notice {
    padding: 10px 12px;
    border-radius: 10px;
    background: var(--surface);
    font-size: 14px;
  }
  .notice.warning {
    background: #fff4d6;
  }
  .notice.success {
    background: #e3f4e7;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
