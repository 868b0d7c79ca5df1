import { html, svg } from "lit";

/**
 * The console's icons as inline SVG in the text colour: an emoji such as 📎 draws as an empty box
 * on a machine without an emoji font. Each is decorative (aria-hidden); the control beside it
 * carries the words. Sized by `.icon` in consoleStyles: the console's CSP allows no inline style.
 *
 * @example
 * html`<a href=${url}>${paperclipIcon} ${name}</a>`
 */
// The <svg> element itself belongs in an html template; only what goes inside it in svg ones.
const icon = (path: ReturnType<typeof svg>) =>
  html`<svg class="icon" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${path}</svg>`;

export const menuIcon = icon(svg`<path d="M4 6h16M4 12h16M4 18h16" />`);
export const paperclipIcon = icon(
  svg`<path d="m21 11-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4L15.4 8" />`,
);
export const backIcon = icon(svg`<path d="M15 18l-6-6 6-6" />`);
