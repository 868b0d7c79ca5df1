import { css } from "lit";

/**
 * The host resets everything the page could pass down: `!important` on :host wins over the
 * page's own `!important` rules (for important declarations the shadow tree's context comes
 * first), so even `* { all: unset !important }` cannot move or restyle the widget. Site owners
 * theme it through the --parley-* custom properties, which `all` never resets, and ::part.
 */
export const hostStyles = css`
  :host {
    all: initial !important;
    display: block !important;
    position: fixed !important;
    right: var(--parley-right, 20px) !important;
    bottom: var(--parley-bottom, 20px) !important;
    z-index: var(--parley-z-index, 2147483000) !important;
    font: 15px/1.4 var(--parley-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif) !important;
    color: var(--parley-text, #1d2330) !important;
  }
  :host([hidden]) {
    display: none !important;
  }
  .root {
    all: initial;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 12px;
    font: inherit;
    color: inherit;
  }
  .launcher {
    all: initial;
    position: relative;
    display: grid;
    place-items: center;
    width: 58px;
    height: 58px;
    border-radius: 50%;
    background: var(--parley-accent, #2f5bea);
    color: var(--parley-accent-text, #fff);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.22);
    cursor: pointer;
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher:focus-visible {
    outline: 3px solid var(--parley-focus, #ffbf47);
    outline-offset: 3px;
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    box-sizing: border-box;
    border-radius: 11px;
    background: var(--parley-badge, #d93025);
    color: #fff;
    font: 700 12px/22px system-ui, sans-serif;
    text-align: center;
    box-shadow: 0 0 0 2px #fff;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (max-width: 480px) {
    .launcher[aria-expanded="true"] {
      display: none;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .launcher {
      transition: none;
    }
  }
`;
