import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSubmitObjectsRequest } from "../messages/submit-objects-request.js";
import type { Code } from "../metadata/code.js";
import { xdsMetadataFromRim, type XdsMetadata } from "../metadata/xds-metadata.js";
import { Problems } from "../problems.js";
import { CLASSIFICATION_SCHEME as CS, ERROR_SEVERITY } from "../vocabulary.js";
import { checkAffinityDomainCodes, checkPatientAssigningAuthority, isOpenDomain } from "./check-codes.js";
import { parseCodesXml, type CodesConfig, type CodeTypeConfig, type CodeTypeName } from "./codes-config.js";
import { emptyDocumentEntry } from "../metadata/document-entry.js";

const ROOT = join(import.meta.dirname, "../../../..");
const DEFAULT_CONFIG = parseCodesXml(readFileSync(join(ROOT, "services/registry/config/codes.xml")));

function sample(): XdsMetadata {
  const r = parseSubmitObjectsRequest(readFileSync(join(ROOT, "test/fixtures/samples/dcm4chee-xds2/RegisterOneDocument.xml")));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return xdsMetadataFromRim(r.value.objects);
}

function check(md: XdsMetadata, config: CodesConfig | undefined, problems = new Problems()): Problems {
  checkAffinityDomainCodes(md, config, problems);
  return problems;
}

function codeTypes(entries: Partial<Record<CodeTypeName, readonly (Code & { deprecated?: boolean })[]>>): Map<string, CodeTypeConfig> {
  const scheme: Record<CodeTypeName, string> = {
    classCode: CS.documentEntryClassCode,
    confidentialityCode: CS.documentEntryConfidentialityCode,
    eventCodeList: CS.documentEntryEventCodeList,
    formatCode: CS.documentEntryFormatCode,
    healthcareFacilityTypeCode: CS.documentEntryHealthcareFacilityTypeCode,
    practiceSettingCode: CS.documentEntryPracticeSettingCode,
    typeCode: CS.documentEntryTypeCode,
    contentTypeCode: CS.submissionSetContentTypeCode,
    folderCodeList: CS.folderCodeList,
    associationDocumentation: CS.associationDocumentation,
  };
  const out = new Map<string, CodeTypeConfig>();
  for (const [name, codes] of Object.entries(entries) as [CodeTypeName, readonly (Code & { deprecated?: boolean })[]][]) {
    out.set(name, {
      name,
      classScheme: scheme[name],
      codes: codes.map((c) => ({ code: c.code, codingScheme: c.codingScheme, deprecated: c.deprecated ?? false })),
    });
  }
  return out;
}

const DOC = "urn:uuid:aabbccdd-bdda-424e-8c96-df4873be8501 (1.42.20120430135820.36)";
const SS = "urn:uuid:aabbccdd-bdda-424e-8c96-df4873be8502 (1.42.20120430135820.37)";

describe("checkAffinityDomainCodes on the dcm4chee RegisterOneDocument sample", () => {
  it("reports every dcm4che code as outside the DSP default domain, with its object and attribute", () => {
    const p = check(sample(), DEFAULT_CONFIG);
    expect(p.list.map((e) => [e.location, e.codeContext])).toEqual([
      [DOC, `XDSDocumentEntry.classCode code "History and Physical" (codingScheme "dcm4che classCodes") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.confidentialityCode code "1.3.6.1.4.1.21367.2006.7.101" (codingScheme "dcm4che confidentialityCodes") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.eventCodeList code "Colonoscopy" (codingScheme "dcm4che eventCodeList") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.eventCodeList code "T-D4000" (codingScheme "dcm4che SNM3") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.formatCode code "CDAR2/IHE 1.0" (codingScheme "dcm4che formatCodes") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.healthcareFacilityTypeCode code "Outpatient" (codingScheme "dcm4che healthcareFacilityTypeCodes") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.practiceSettingCode code "General Medicine" (codingScheme "dcm4che practiceSettingCodes") is not in the affinity domain's code set`],
      [DOC, `XDSDocumentEntry.typeCode code "34108-1" (codingScheme "dcm4che LOINC") is not in the affinity domain's code set`],
      [SS, `XDSSubmissionSet.contentTypeCode code "History and Physical" (codingScheme "dcm4che contentTypeCodes") is not in the affinity domain's code set`],
    ]);
    expect(new Set(p.list.map((e) => e.errorCode))).toEqual(new Set(["XDSRegistryMetadataError"]));
    expect(p.list.every((e) => e.severity === ERROR_SEVERITY.error)).toBe(true);
  });

  it("reports XDSRepositoryMetadataError when the repository checks an ITI-41", () => {
    const p = check(sample(), DEFAULT_CONFIG, new Problems("XDSRepositoryMetadataError"));
    expect(p.list).toHaveLength(9);
    expect(new Set(p.list.map((e) => e.errorCode))).toEqual(new Set(["XDSRepositoryMetadataError"]));
  });

  it("reports nothing against a configuration holding exactly the sample's codes", () => {
    const md = sample();
    const de = md.documentEntries[0];
    const ss = md.submissionSets[0];
    if (!de?.classCode || !de.formatCode || !de.healthcareFacilityTypeCode || !de.practiceSettingCode || !de.typeCode || !ss?.contentTypeCode) {
      throw new Error("sample lacks a code");
    }
    const config: CodesConfig = {
      codeTypes: codeTypes({
        classCode: [de.classCode],
        confidentialityCode: de.confidentialityCodes,
        eventCodeList: de.eventCodes,
        formatCode: [de.formatCode],
        healthcareFacilityTypeCode: [de.healthcareFacilityTypeCode],
        practiceSettingCode: [de.practiceSettingCode],
        typeCode: [de.typeCode],
        contentTypeCode: [ss.contentTypeCode],
      }),
      mimeTypes: [{ code: "text/plain", ext: "txt", deprecated: false }],
      assigningAuthorities: [],
    };
    expect(check(md, config).list).toEqual([]);
  });
});

describe("checkAffinityDomainCodes rules", () => {
  const LOINC = "2.16.840.1.113883.6.1";
  const entry = (overrides: Partial<XdsMetadata["documentEntries"][number]> = {}): XdsMetadata => ({
    submissionSets: [],
    documentEntries: [emptyDocumentEntry("Document01", overrides)],
    folders: [],
    associations: [],
    objectRefs: [],
  });
  const config = (mimeTypes: CodesConfig["mimeTypes"] = []): CodesConfig => ({
    codeTypes: codeTypes({
      classCode: [
        { code: "11502-2", codingScheme: LOINC },
        { code: "11490-0", codingScheme: LOINC, deprecated: true },
      ],
    }),
    mimeTypes,
    assigningAuthorities: [],
  });

  it("refuses a deprecated code in a new submission", () => {
    const p = check(entry({ uniqueId: "1.2.3", classCode: { code: "11490-0", codingScheme: LOINC } }), config());
    expect(p.list).toEqual([
      {
        errorCode: "XDSRegistryMetadataError",
        severity: ERROR_SEVERITY.error,
        location: "Document01 (1.2.3)",
        codeContext: `XDSDocumentEntry.classCode code "11490-0" (codingScheme "${LOINC}") is deprecated in the affinity domain's code set and is not accepted in new submissions`,
      },
    ]);
  });

  it("matches on code and codingScheme together, and hints at the codingScheme the domain uses", () => {
    const p = check(entry({ classCode: { code: "11502-2", codingScheme: "LOINC" } }), config());
    expect(p.list.map((e) => [e.location, e.codeContext])).toEqual([
      ["Document01", `XDSDocumentEntry.classCode code "11502-2" (codingScheme "LOINC") is not in the affinity domain's code set; the domain has this code under codingScheme "${LOINC}"`],
    ]);
    expect(check(entry({ classCode: { code: "11502-2", codingScheme: LOINC } }), config()).list).toEqual([]);
  });

  it("does not restrict an attribute whose CodeType is not configured", () => {
    expect(check(entry({ typeCode: { code: "anything", codingScheme: "1.2.3" } }), config()).list).toEqual([]);
  });

  it("checks mimeType against the mime type list when there is one", () => {
    const mimes = [
      { code: "application/pdf", ext: "pdf", deprecated: false },
      { code: "text/goofy", ext: "gfy", deprecated: true },
    ];
    expect(check(entry({ mimeType: "application/pdf" }), config(mimes)).list).toEqual([]);
    expect(check(entry({ mimeType: "Application/PDF; charset=binary" }), config(mimes)).list).toEqual([]);
    expect(check(entry({ mimeType: "image/gif" }), config(mimes)).list.map((e) => e.codeContext)).toEqual([
      `XDSDocumentEntry.mimeType "image/gif" is not in the affinity domain's mime types`,
    ]);
    expect(check(entry({ mimeType: "text/goofy" }), config(mimes)).list.map((e) => e.codeContext)).toEqual([
      `XDSDocumentEntry.mimeType "text/goofy" is deprecated in the affinity domain's mime types and is not accepted in new submissions`,
    ]);
    // An empty list leaves mimeType free.
    expect(check(entry({ mimeType: "image/gif" }), config([])).list).toEqual([]);
  });

  it("checks Folder codeList and Association documentation", () => {
    const md: XdsMetadata = {
      submissionSets: [],
      documentEntries: [],
      folders: [{ entryUuid: "Folder01", uniqueId: "1.9", codeList: [{ code: "pregnancy", codingScheme: "1.3.6.1.4.1.59999.1.2" }, { code: "x", codingScheme: "y" }], limitedMetadata: false, extraSlots: [] }],
      associations: [
        { entryUuid: "Assoc01", associationType: "urn:ihe:iti:2007:AssociationType:APND", sourceUuid: "a", targetUuid: "b", documentation: { code: "z", codingScheme: "w" }, extraSlots: [] },
      ],
      objectRefs: [],
    };
    expect(check(md, DEFAULT_CONFIG).list.map((e) => [e.location, e.codeContext])).toEqual([
      ["Folder01 (1.9)", `XDSFolder.codeList code "x" (codingScheme "y") is not in the affinity domain's code set`],
      ["Assoc01", `Association.associationDocumentation code "z" (codingScheme "w") is not in the affinity domain's code set`],
    ]);
  });
});

describe("open domain", () => {
  it("undefined configuration: the check is skipped", () => {
    expect(isOpenDomain(undefined)).toBe(true);
    expect(isOpenDomain(DEFAULT_CONFIG)).toBe(false);
    expect(check(sample(), undefined).list).toEqual([]);
    expect(checkPatientAssigningAuthority("x^^^&9.9.9&ISO", undefined)).toBe(true);
  });
});

describe("checkPatientAssigningAuthority", () => {
  const withAuthorities = (ids: string[]): CodesConfig => ({ codeTypes: new Map(), mimeTypes: [], assigningAuthorities: ids.map((id) => ({ id })) });

  it("accepts any patient ID when the configuration lists no AssigningAuthority", () => {
    expect(checkPatientAssigningAuthority("x^^^&9.9.9&ISO", withAuthorities([]))).toBe(true);
  });

  it("compares the CX.4 universal ID and its type", () => {
    const config = withAuthorities(["&1.3.6.1.4.1.21367.13.20.1000&ISO", "1.2.3"]);
    expect(checkPatientAssigningAuthority("IHERED-1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO", config)).toBe(true);
    expect(checkPatientAssigningAuthority("IHERED-1^^^IHERED&1.3.6.1.4.1.21367.13.20.1000&iso", config)).toBe(true);
    expect(checkPatientAssigningAuthority("p^^^&1.2.3&ISO", config)).toBe(true);
    expect(checkPatientAssigningAuthority("p^^^&1.3.6.1.4.1.21367.13.20.2000&ISO", config)).toBe(false);
    expect(checkPatientAssigningAuthority("p^^^&1.3.6.1.4.1.21367.13.20.1000&DNS", config)).toBe(false);
    // A namespace ID alone, or no CX.4 at all, names no authority of the domain.
    expect(checkPatientAssigningAuthority("p^^^1.2.3", config)).toBe(false);
    expect(checkPatientAssigningAuthority("p", config)).toBe(false);
  });
});
