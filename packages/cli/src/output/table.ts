/** A plain text table: a header row, then one row per item, columns padded to their widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidths: readonly (number | undefined)[] = []): string[] {
  const cells = [headers, ...rows].map((row) => row.map((cell, i) => clip(cleanCell(cell), maxWidths[i])));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? "")].length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length)))
      .join("  ")
      .trimEnd(),
  );
}

/** Control characters in metadata (a title with a newline or an escape sequence) must not reach the terminal. */
function cleanCell(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}

function clip(text: string, max: number | undefined): string {
  const chars = [...text];
  if (max === undefined || chars.length <= max) return text;
  return `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}
