import { DOCUMENT_ENTRY_TYPE, OBJECT_STATUS, type Slot } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { parseCode, readQueryParameters, type ParamSpec } from "./query-parameters.js";

const SPECS: readonly ParamSpec[] = [
  { name: "$XDSDocumentEntryPatientId", type: "text", required: true },
  { name: "$XDSDocumentEntryStatus", type: "statuses", required: true },
  { name: "$XDSDocumentEntryClassCode", type: "codes" },
  { name: "$XDSDocumentEntryEventCodeList", type: "codes", andOr: true },
  { name: "$XDSDocumentEntryCreationTimeFrom", type: "time" },
  { name: "$XDSDocumentEntryAuthorPerson", type: "texts" },
  { name: "$XDSDocumentEntryType", type: "documentTypes" },
  { name: "$MetadataLevel", type: "metadataLevel" },
];
const slot = (name: string, ...values: string[]): Slot => ({ name, values });
const base = [slot("$XDSDocumentEntryPatientId", "'p1^^^&1.2.3&ISO'"), slot("$XDSDocumentEntryStatus", `('${OBJECT_STATUS.approved}')`)];

function read(slots: readonly Slot[], exactlyOne: readonly (readonly string[])[] = []) {
  return readQueryParameters(slots, SPECS, exactlyOne);
}

function codesOf(slots: readonly Slot[], exactlyOne: readonly (readonly string[])[] = []): string[] {
  const r = read(slots, exactlyOne);
  return r.ok ? [] : r.errors.map((e) => e.errorCode);
}

describe("reading stored-query parameters (ITI TF-2a 3.18.4.1.2.3)", () => {
  it("reads single values, lists split over several Values, codes and times", () => {
    const r = read([
      ...base,
      slot("$XDSDocumentEntryClassCode", "('a^^s1', 'b^^s2')", "('c^^s3')"),
      slot("$XDSDocumentEntryCreationTimeFrom", "200412"),
      slot("$XDSDocumentEntryAuthorPerson", "'%Smith%'", "'Jo_n%'"),
      slot("$MetadataLevel", "2"),
      slot("$SomethingElse", "not even valid"),
    ]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.params.text("$XDSDocumentEntryPatientId")).toBe("p1^^^&1.2.3&ISO");
    expect(r.params.list("$XDSDocumentEntryStatus")).toEqual([OBJECT_STATUS.approved]);
    expect(r.params.codes("$XDSDocumentEntryClassCode")).toEqual([
      { code: "a", scheme: "s1" },
      { code: "b", scheme: "s2" },
      { code: "c", scheme: "s3" },
    ]);
    expect(r.params.time("$XDSDocumentEntryCreationTimeFrom")).toBe("20041201000000");
    expect(r.params.list("$XDSDocumentEntryAuthorPerson")).toEqual(["%Smith%", "Jo_n%"]);
    expect(r.params.has("$SomethingElse")).toBe(false);
    expect(r.params.list("$XDSDocumentEntryType")).toBeUndefined();
  });

  it("keeps one group per Slot for AND/OR parameters", () => {
    const r = read([...base, slot("$XDSDocumentEntryEventCodeList", "('e1^^s', 'e2^^s')"), slot("$XDSDocumentEntryEventCodeList", "('e3^^s')")]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.params.codeGroups("$XDSDocumentEntryEventCodeList")).toEqual([
      [
        { code: "e1", scheme: "s" },
        { code: "e2", scheme: "s" },
      ],
      [{ code: "e3", scheme: "s" }],
    ]);
  });

  it("accepts a single value written as a one-item list, and a quoted time", () => {
    const r = read([slot("$XDSDocumentEntryPatientId", "('p1')"), base[1] as Slot, slot("$XDSDocumentEntryCreationTimeFrom", "'2004'")]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.params.text("$XDSDocumentEntryPatientId")).toBe("p1");
    expect(r.params.time("$XDSDocumentEntryCreationTimeFrom")).toBe("20040101000000");
  });

  it("ignores status values it does not know, and misses the parameter when none is left", () => {
    const r = read([base[0] as Slot, slot("$XDSDocumentEntryStatus", `('${OBJECT_STATUS.approved}', 'urn:oasis:names:tc:ebxml-regrep:StatusType:Unheard')`)]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.params.list("$XDSDocumentEntryStatus")).toEqual([OBJECT_STATUS.approved]);
    expect(codesOf([base[0] as Slot, slot("$XDSDocumentEntryStatus", "('urn:oasis:names:tc:ebxml-regrep:StatusType:Unheard')")])).toEqual([
      "XDSStoredQueryMissingParam",
    ]);
  });

  it("reports a missing required parameter, an empty Slot counting as missing", () => {
    expect(codesOf([base[1] as Slot])).toEqual(["XDSStoredQueryMissingParam"]);
    expect(codesOf([slot("$XDSDocumentEntryPatientId", " "), base[1] as Slot])).toEqual(["XDSStoredQueryMissingParam"]);
    expect(codesOf([])).toEqual(["XDSStoredQueryMissingParam", "XDSStoredQueryMissingParam"]);
  });

  it("reports several values of a single-valued parameter and a repeated Slot that is not AND/OR", () => {
    expect(codesOf([slot("$XDSDocumentEntryPatientId", "('p1', 'p2')"), base[1] as Slot])).toEqual(["XDSStoredQueryParamNumber"]);
    expect(codesOf([slot("$XDSDocumentEntryPatientId", "'p1'", "'p2'"), base[1] as Slot])).toEqual(["XDSStoredQueryParamNumber"]);
    expect(codesOf([...base, slot("$XDSDocumentEntryClassCode", "('a^^s')"), slot("$XDSDocumentEntryClassCode", "('b^^s')")])).toEqual([
      "XDSStoredQueryParamNumber",
    ]);
    expect(codesOf([...base, base[0] as Slot])).toEqual(["XDSStoredQueryParamNumber"]);
  });

  it("checks exactly-one groups", () => {
    const group = [["$A", "$B"]];
    const specs: ParamSpec[] = [
      { name: "$A", type: "texts" },
      { name: "$B", type: "texts" },
    ];
    const run = (slots: Slot[]) => {
      const r = readQueryParameters(slots, specs, group);
      return r.ok ? [] : r.errors.map((e) => e.errorCode);
    };
    expect(run([])).toEqual(["XDSStoredQueryMissingParam"]);
    expect(run([slot("$A", "('x')"), slot("$B", "('y')")])).toEqual(["XDSStoredQueryParamNumber"]);
    expect(run([slot("$B", "('y')")])).toEqual([]);
  });

  it.each([
    ["bad quoting", slot("$XDSDocumentEntryPatientId", "'p1")],
    ["an unquoted string", slot("$XDSDocumentEntryAuthorPerson", "(Smith)")],
    ["a code without scheme", slot("$XDSDocumentEntryClassCode", "('a')")],
    ["a code with an empty scheme", slot("$XDSDocumentEntryClassCode", "('a^^')")],
    ["a number where a code is expected", slot("$XDSDocumentEntryClassCode", "(12)")],
    ["a time of odd precision", slot("$XDSDocumentEntryCreationTimeFrom", "20041")],
    ["a time that is no number", slot("$XDSDocumentEntryCreationTimeFrom", "'last week'")],
    ["a status that is no status URN", slot("$XDSDocumentEntryStatus", "('Approved')")],
    ["an unknown DocumentEntry type", slot("$XDSDocumentEntryType", "('urn:uuid:00000000-0000-0000-0000-000000000000')")],
    ["a metadata level of 3", slot("$MetadataLevel", "3")],
    ["a quoted metadata level", slot("$MetadataLevel", "'1'")],
  ])("answers XDSRegistryError for %s", (_label, bad) => {
    const slots = [...base.filter((s) => s.name !== bad.name), bad];
    const r = read(slots);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.errorCode, e.location])).toEqual([["XDSRegistryError", bad.name]]);
  });

  it("accepts both DocumentEntry types", () => {
    const r = read([...base, slot("$XDSDocumentEntryType", `('${DOCUMENT_ENTRY_TYPE.stable}', '${DOCUMENT_ENTRY_TYPE.onDemand}')`)]);
    expect(r.ok && r.params.list("$XDSDocumentEntryType")).toEqual([DOCUMENT_ENTRY_TYPE.stable, DOCUMENT_ENTRY_TYPE.onDemand]);
  });
});

describe("code^^scheme (ITI TF-2a 3.18.4.1.2.3.5)", () => {
  it("splits the code and the scheme, ignoring a display name", () => {
    expect(parseCode("225728007^^2.16.840.1.113883.6.96")).toEqual({ code: "225728007", scheme: "2.16.840.1.113883.6.96" });
    expect(parseCode("History and Physical^History^dcm4che contentTypeCodes")).toEqual({ code: "History and Physical", scheme: "dcm4che contentTypeCodes" });
    expect(parseCode("only-code")).toBeUndefined();
    expect(parseCode("^^scheme")).toBeUndefined();
    expect(parseCode("a^^b^^c")).toBeUndefined();
  });
});
