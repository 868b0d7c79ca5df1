/**
 * CSV as spreadsheets read it (RFC 4180, CRLF, a UTF-8 BOM so Excel picks the encoding). A cell
 * that starts like a formula is prefixed with ' so that a visitor's comment "=HYPERLINK(…)" stays text.
 */
export function csvLine(cells: (string | number | boolean | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_BOM = "\uFEFF";

export const csvHeaders = (name: string) => ({
  "content-type": "text/csv; charset=utf-8",
  "content-disposition": `attachment; filename="${name}"`,
  "cache-control": "no-store",
});

/**
 * Streams lines as pages arrive: `page(cursor)` returns the next lines and the cursor after them,
 * or null at the end, so memory holds one page whatever the export's length.
 */
export function csvStream<C>(header: string, first: C, page: (cursor: C) => Promise<{ lines: string[]; next: C | null }>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | null = first;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(CSV_BOM + header));
        return;
      }
      if (cursor === null) return controller.close();
      const { lines, next } = await page(cursor);
      cursor = next;
      if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
      if (cursor === null) controller.close();
    },
  });
}
