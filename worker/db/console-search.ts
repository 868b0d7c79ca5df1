const MAX_TERMS = 8;

/**
 * Turns what an agent types into an FTS5 query: every word must appear, each as a prefix, so
 * "vera@exa" finds vera@example.com and "receip" finds "receipts". Quoting each word keeps FTS5
 * syntax (AND, NEAR, quotes, *) in the input from ever being read as an operator. Null when the
 * input holds no word at all.
 */
export function ftsQuery(input: string): string | null {
  const words = input.match(/[\p{L}\p{N}]+/gu)?.slice(0, MAX_TERMS) ?? [];
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(" AND ");
}
