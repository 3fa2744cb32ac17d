import { describe, expect, it } from "vitest";
import { parseDateInput } from "../metadata/hl7-dtm.js";
import { formatTable } from "../output/table.js";
import { findDocumentsSlots } from "./query.command.js";
import { codeValue } from "./option-parsers.js";

const PATIENT = "1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO";

describe("findDocumentsSlots (ITI TF-2a 3.18.4.1.2.3.7.1)", () => {
  it("asks for approved documents of the patient by default", () => {
    expect(findDocumentsSlots({ patient: PATIENT, status: "approved" })).toEqual([
      { name: "$XDSDocumentEntryPatientId", values: [`'${PATIENT}'`] },
      { name: "$XDSDocumentEntryStatus", values: ["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"] },
    ]);
  });

  it("writes codes as code^^scheme lists, both statuses for all, and an inclusive --to as the next period", () => {
    const slots = findDocumentsSlots({
      patient: "O'Brien^^^&1.2.3&ISO",
      status: "all",
      class: [codeValue("lab-result"), codeValue("imaging-report")],
      type: [codeValue("DSP-CERT-MED")],
      from: parseDateInput("2024-03"),
      to: parseDateInput("2024-12-31"),
    } as Parameters<typeof findDocumentsSlots>[0]);
    expect(slots).toEqual([
      { name: "$XDSDocumentEntryPatientId", values: ["'O''Brien^^^&1.2.3&ISO'"] },
      { name: "$XDSDocumentEntryStatus", values: ["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved','urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated')"] },
      { name: "$XDSDocumentEntryClassCode", values: ["('11502-2^^2.16.840.1.113883.6.1','18748-4^^2.16.840.1.113883.6.1')"] },
      { name: "$XDSDocumentEntryTypeCode", values: ["('DSP-CERT-MED^^1.3.6.1.4.1.59999.1.1')"] },
      { name: "$XDSDocumentEntryCreationTimeFrom", values: ["202403"] },
      { name: "$XDSDocumentEntryCreationTimeTo", values: ["20250101"] },
    ]);
  });
});

describe("formatTable", () => {
  it("pads columns, clips long cells and keeps control characters off the terminal", () => {
    expect(formatTable(["A", "B"], [["x", "long title\u001b[31m"], ["yyyy", "b"]], [undefined, 8])).toEqual(["A     B", "x     long ti…", "yyyy  b"]);
  });
});
