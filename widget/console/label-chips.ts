import { css, html, nothing } from "lit";
import { styleMap } from "lit/directives/style-map.js";
import type { Label } from "../../protocol/labels";

/**
 * A label as a coloured chip. The admin picks any colour, so the text is black or white by the
 * colour's luminance (WCAG relative luminance), whichever reads better on it.
 */
export function textOn(color: string): "#000" | "#fff" {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with black beats contrast with white above ~0.179.
  return luminance > 0.179 ? "#000" : "#fff";
}

/** Coloured through the CSSOM (styleMap), which the console's CSP allows where a style attribute is refused. */
export const labelChip = (l: Label) =>
  html`<span class="label-chip" style=${styleMap({ background: l.color, color: textOn(l.color) })}>${l.name}</span>`;

export const labelChips = (labels: readonly Label[]) =>
  labels.length ? html`<span class="label-chips">${labels.map(labelChip)}</span>` : nothing;

export const labelChipStyles = css`
  .label-chips { display: inline-flex; gap: 4px; flex-wrap: wrap; }
  .label-chip { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; line-height: 1.5; white-space: nowrap; }
`;
