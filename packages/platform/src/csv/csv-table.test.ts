import { describe, expect, it } from "vitest";
import { csvField, csvTable } from "./csv-table.js";

describe("csvField", () => {
  it("leaves plain text and numbers as they are", () => {
    expect(csvField("lab-results")).toBe("lab-results");
    expect(csvField("2026-12")).toBe("2026-12");
    expect(csvField(42)).toBe("42");
    expect(csvField(-3)).toBe("-3");
    expect(csvField("")).toBe("");
  });

  it("quotes a field with a comma, a double quote or a line break, doubling the quotes (RFC 4180 2.6, 2.7)", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
  });

  it("prefixes text that starts like a formula with an apostrophe", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+33")).toBe("'+33");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField("a=b")).toBe("a=b");
  });

  it("refuses a number that is not finite", () => {
    expect(() => csvField(Number.NaN)).toThrow(RangeError);
    expect(() => csvField(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});

describe("csvTable", () => {
  it("writes the header and the rows, each line ended by CRLF", () => {
    expect(csvTable(["month", "category", "documents"], [["2026-11", "lab-results", 3], ["2026-12", "a, b", 0]])).toBe(
      'month,category,documents\r\n2026-11,lab-results,3\r\n2026-12,"a, b",0\r\n',
    );
    expect(csvTable(["only"], [])).toBe("only\r\n");
  });

  it("refuses a row whose width differs from the header's (RFC 4180 2.4)", () => {
    expect(() => csvTable(["a", "b"], [["1"]])).toThrow(/row 1 has 1 fields, the header 2/);
  });
});
