/** Server messages are lower-case clauses ("wrong email or password"); the console shows them as sentences. */
export const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
