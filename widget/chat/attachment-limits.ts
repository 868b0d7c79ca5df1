import type { Locale, PublicChannel } from "../../protocol/channel";
import { formatBytes } from "../lib/format";
import type { StringKey } from "./i18n/en";

type Limits = PublicChannel["attachments"];

/** "image/*" matches any image; anything else must match exactly. */
export function typeAllowed(type: string, allowed: string[]): boolean {
  const t = type.toLowerCase();
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith("/*") ? t.startsWith(p.slice(0, -1)) : t === p;
  });
}

/** The same checks the Worker makes, so a file it would refuse is never sent. */
export function fileProblem(
  file: File,
  limits: Limits,
  locale: Locale,
): { key: StringKey; vars: Record<string, string> } | null {
  if (file.size > limits.maxBytes) {
    return { key: "fileTooLarge", vars: { name: file.name, max: formatBytes(limits.maxBytes, locale) } };
  }
  if (!typeAllowed(file.type || "application/octet-stream", limits.types)) {
    return { key: "fileTypeNotAllowed", vars: { name: file.name, types: limits.types.join(", ") } };
  }
  return null;
}
