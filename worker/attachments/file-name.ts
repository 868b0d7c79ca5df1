import { LIMITS } from "../../protocol/limits";

/**
 * Characters a file name never needs and an attacker loves: C0 and C1 controls and DEL; the
 * bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-202E,
 * U+2066-2069), with which "invoice\u202Efdp.exe" reads as "invoiceexe.pdf"; invisible spaces and
 * operators (U+200B, U+2060-2064, U+FEFF); interlinear annotation marks (U+FFF9-FFFB).
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
/**
 * Zero-width (non-)joiners shape emoji sequences and some scripts (Persian, Indic), so they stay
 * between two non-ASCII characters; beside ASCII they only hide a character inside a word.
 */
const LOOSE_JOINER = /(?<=^|[\u0000-\u007f])[\u200c\u200d]|[\u200c\u200d](?=$|[\u0000-\u007f])/g;
/** Path separators, so no name can look like a folder (or climb out of one) where it is saved. */
const SEPARATOR = /[/\\]/g;
/** Line and paragraph separators and every other kind of space become one plain space. */
const SPACES = /[\s\u2028\u2029]+/g;

const FALLBACK = "file";
/** An extension longer than this is not one worth keeping when the name is cut. */
const MAX_EXTENSION = 16;

/**
 * A file name as others will see it: what the uploader sent, minus the characters above, one space
 * for any run of whitespace, trimmed, at most LIMITS.fileNameLength characters (cut before the
 * extension), and never empty.
 *
 * @example
 * cleanFileName("invoice\u202Efdp.exe") // "invoicefdp.exe"
 */
export function cleanFileName(raw: string): string {
  const name = raw
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(LOOSE_JOINER, "")
    .replace(SEPARATOR, "_")
    .replace(SPACES, " ")
    .trim();
  const chars = Array.from(name);
  const capped = chars.length > LIMITS.fileNameLength ? cut(chars) : name;
  return /^[.\s]*$/.test(capped) ? FALLBACK : capped;
}

/** Cuts by code points, so no emoji is split in half, and keeps a short extension. */
function cut(chars: string[]): string {
  const dot = chars.lastIndexOf(".");
  const extension = dot > 0 && chars.length - dot <= MAX_EXTENSION ? chars.slice(dot) : [];
  return [...chars.slice(0, LIMITS.fileNameLength - extension.length), ...extension].join("").trim();
}
