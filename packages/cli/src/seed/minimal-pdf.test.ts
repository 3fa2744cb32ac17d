import { describe, expect, it } from "vitest";
import { minimalPdf } from "./minimal-pdf.js";

describe("minimalPdf", () => {
  it("writes a cross-reference table whose offsets point at each object", () => {
    const pdf = minimalPdf({ title: "Lettre de sortie — (cardiologie)", lines: ["Évolution favorable", "a\\b"], creationDate: new Date("2026-01-02T03:04:05Z") });
    const text = pdf.toString("latin1");
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe("xref");
    const entries = text.slice(startxref).split("\n").slice(3, 10);
    entries.forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(text.slice(Number(entry.slice(0, 10))).startsWith(`${i + 1} 0 obj`)).toBe(true);
    });
    const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
    const streamStart = text.indexOf("stream\n") + "stream\n".length;
    expect(text.slice(streamStart + length, streamStart + length + 10)).toBe("\nendstream");
  });

  it("escapes PDF string delimiters and keeps Latin-1 text", () => {
    const text = minimalPdf({ title: "a (b) c\\d — e", lines: ["Évolution"], creationDate: new Date(0) }).toString("latin1");
    expect(text).toContain("(a \\(b\\) c\\\\d - e) Tj");
    expect(text).toContain("(Évolution) Tj");
  });
});
