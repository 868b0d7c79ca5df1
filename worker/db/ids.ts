/** Prefixed random ids: readable in logs and URLs, unguessable, sortable by nothing. */
export function newId(prefix: "ws" | "ch" | "ag" | "ct" | "cv" | "key" | "faq" | "tk" | "att" | "em" | "tm"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}_${[...bytes].map((b) => b.toString(36).padStart(2, "0")).join("").slice(0, 20)}`;
}
