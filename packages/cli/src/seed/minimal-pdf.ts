/**
 * A one-page PDF 1.4 with a title and lines of text (Helvetica, WinAnsiEncoding), built by hand: small synthetic
 * documents that any PDF reader opens. Characters outside Latin-1 are replaced, as the standard 14 fonts carry no
 * others.
 */
export function minimalPdf(options: { title: string; lines: readonly string[]; creationDate: Date }): Buffer {
  const pageLines = options.lines.slice(0, 50);
  const content = [
    "BT /F1 15 Tf 56 780 Td",
    `(${pdfText(options.title)}) Tj`,
    "ET",
    "BT /F2 10 Tf 56 750 Td 14 TL",
    ...pageLines.map((line, i) => `${i === 0 ? "" : "T* "}(${pdfText(line)}) Tj`),
    "ET",
  ].join("\n");
  const contentBytes = Buffer.from(content, "latin1");
  const date = options.creationDate.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${contentBytes.length} >>\nstream\n${content}\nendstream`,
    `<< /Title (${pdfText(options.title)}) /Producer (OpenDSP synthetic data) /CreationDate (D:${date}Z) >>`,
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const bytes = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, "latin1");
    parts.push(bytes);
    offset += bytes.length;
  });
  // PDF 1.4 §3.4.3: each cross-reference entry is exactly 20 bytes.
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n${offset}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts);
}

/** A PDF literal string body (PDF 1.4 §3.2.3): backslash, parentheses escaped; Latin-1 only. */
function pdfText(text: string): string {
  return text
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, "?")
    .replace(/[\\()]/g, (c) => `\\${c}`);
}
