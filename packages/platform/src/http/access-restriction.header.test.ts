import { describe, expect, it } from "vitest";
import { AccessHeaderError, formatAccessHeader, parseAccessHeader } from "./access-restriction.header.js";

const PATIENT = "P1^^^&1.2.3&ISO";
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

function refusal(value: string | readonly string[]): AccessHeaderError {
  try {
    parseAccessHeader(value);
  } catch (err) {
    if (err instanceof AccessHeaderError) return err;
    throw err;
  }
  throw new Error("the header was accepted");
}

describe("parseAccessHeader", () => {
  it("absent: no restriction", () => {
    expect(parseAccessHeader(undefined)).toBeUndefined();
  });

  it("reads version 1, with and without authorId", () => {
    expect(parseAccessHeader(encode({ v: 1, patientIds: [PATIENT], hiddenDocumentUniqueIds: ["1.2.3.4"], authorId: "2045" }))).toEqual({
      patientIds: [PATIENT],
      hiddenDocumentUniqueIds: ["1.2.3.4"],
      authorId: "2045",
    });
    const restriction = parseAccessHeader(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: [] }));
    expect(restriction).toEqual({ patientIds: [], hiddenDocumentUniqueIds: [] });
    expect(restriction && "authorId" in restriction).toBe(false);
  });

  it("accepts padded base64url and surrounding spaces, and reads back what formatAccessHeader writes", () => {
    const value = { patientIds: [PATIENT, "P2^^^&1.2.3&ISO"], hiddenDocumentUniqueIds: ["1.2.3.4", "1.2.3.5"], authorId: "ü-42" };
    expect(parseAccessHeader(` ${formatAccessHeader(value)} `)).toEqual(value);
    const padded = Buffer.from(JSON.stringify({ v: 1, patientIds: ["a"], hiddenDocumentUniqueIds: [] })).toString("base64");
    expect(padded.endsWith("=")).toBe(true);
    expect(parseAccessHeader(padded)).toEqual({ patientIds: ["a"], hiddenDocumentUniqueIds: [] });
  });

  it("refuses a header given twice, empty, or outside the base64url alphabet", () => {
    const one = encode({ v: 1, patientIds: [PATIENT], hiddenDocumentUniqueIds: [] });
    expect(refusal([one, one]).message).toMatch(/given 2 times/);
    expect(refusal("").code).toBe("ACCESS_HEADER_INVALID");
    // Standard base64's + and / are not base64url: a lenient decoder would drop them and read something else.
    expect(refusal(`${one.slice(0, 4)}+/${one.slice(4)}`).message).toMatch(/not base64url/);
    expect(refusal("{\"v\":1}").message).toMatch(/not base64url/);
  });

  it("refuses what is not JSON, keeping the parse error as cause", () => {
    const err = refusal(Buffer.from("{v:1,").toString("base64url"));
    expect(err.message).toMatch(/does not hold JSON/);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it("refuses other versions, missing or mistyped lists and unknown properties", () => {
    expect(refusal(encode({ v: 2, patientIds: [], hiddenDocumentUniqueIds: [] })).message).toMatch(/\/v/);
    expect(refusal(encode({ v: 1, hiddenDocumentUniqueIds: [] })).message).toMatch(/patientIds/);
    expect(refusal(encode({ v: 1, patientIds: [PATIENT] })).message).toMatch(/hiddenDocumentUniqueIds/);
    expect(refusal(encode({ v: 1, patientIds: PATIENT, hiddenDocumentUniqueIds: [] })).message).toMatch(/patientIds/);
    expect(refusal(encode({ v: 1, patientIds: [42], hiddenDocumentUniqueIds: [] })).message).toMatch(/patientIds/);
    expect(refusal(encode({ v: 1, patientIds: [""], hiddenDocumentUniqueIds: [] })).message).toMatch(/patientIds/);
    expect(refusal(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: ["x".repeat(129)] })).message).toMatch(/hiddenDocumentUniqueIds/);
    expect(refusal(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: [], deny: ["everything"] })).code).toBe("ACCESS_HEADER_INVALID");
    expect(refusal(encode([1, 2])).code).toBe("ACCESS_HEADER_INVALID");
    expect(refusal(encode(null)).code).toBe("ACCESS_HEADER_INVALID");
  });

  it("refuses an authorId that is empty or more than XCN.1", () => {
    // An empty id would exempt every author who has none; "2045^Weber" can never equal the text before the first ^.
    expect(refusal(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: [], authorId: "" })).message).toMatch(/authorId/);
    expect(refusal(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: [], authorId: "2045^Weber" })).message).toMatch(/authorId/);
    expect(refusal(encode({ v: 1, patientIds: [], hiddenDocumentUniqueIds: [], authorId: 2045 })).message).toMatch(/authorId/);
  });

  it("never puts the ids it read into its messages", () => {
    const err = refusal(encode({ v: 1, patientIds: [PATIENT, 7], hiddenDocumentUniqueIds: ["1.2.3.4"] }));
    expect(err.message).not.toContain("P1");
    expect(err.message).not.toContain("1.2.3.4");
  });
});
