/**
 * Prefixed random ids (`cv_…`, `ct_…`): readable in logs and URLs, unguessable. The prefix names
 * the kind of thing, by the short names used across the schema.
 */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}_${[...bytes].map((b) => b.toString(36).padStart(2, "0")).join("").slice(0, 20)}`;
}
