const MAX_TERMS = 12;

/**
 * Turns what a person types into an FTS5 query, each word a prefix, so "vera@exa" finds
 * vera@example.com and "receip" finds "receipts". Quoting each word keeps FTS5 syntax (AND, NEAR,
 * quotes, *) in the input from ever being read as an operator. `all`: every word must appear (an
 * agent's search); `any`: one is enough (FAQ suggestions while a visitor writes). Null when the
 * input holds no word at all.
 */
export function ftsQuery(input: string, match: "all" | "any" = "all"): string | null {
  const words = [...new Set(input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    // For "any", one-letter words would match nearly everything.
    .filter((w) => match === "all" || w.length > 1)
    .slice(0, MAX_TERMS);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(match === "all" ? " AND " : " OR ");
}
