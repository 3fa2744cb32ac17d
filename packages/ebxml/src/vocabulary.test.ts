import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ACTION,
  ASSOCIATION_TYPE,
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME,
  DOCUMENT_AVAILABILITY,
  DOCUMENT_ENTRY_TYPE,
  ERROR_CODES,
  ERROR_SEVERITY,
  IDENTIFICATION_SCHEME,
  IDENTIFICATION_SCHEME_NAME,
  NS,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  STORED_QUERY,
} from "./vocabulary.js";

/** The reference tables (a copy of the project's XDS reference, verified against IPF and the NIST toolkit). */
const reference = readFileSync(join(import.meta.dirname, "../../../test/fixtures/xds-reference.md"), "utf8");

/** Rows of the UUID table: "| Object / attribute | Kind | UUID |". */
function uuidTable(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of reference.split("\n")) {
    const m = /^\| (.+?) \| (.+?) \| (urn:uuid:[0-9a-f-]{36}) \|$/.exec(line);
    if (m?.[1] && m[3]) rows.set(m[1], m[3]);
  }
  return rows;
}

describe("vocabulary against the reference table", () => {
  const table = uuidTable();
  const expected: Record<string, string> = {
    "DocumentEntry objectType, stable": DOCUMENT_ENTRY_TYPE.stable,
    "DocumentEntry objectType, on-demand": DOCUMENT_ENTRY_TYPE.onDemand,
    "DocumentEntry.author": CLASSIFICATION_SCHEME.documentEntryAuthor,
    "DocumentEntry.classCode": CLASSIFICATION_SCHEME.documentEntryClassCode,
    "DocumentEntry.confidentialityCode": CLASSIFICATION_SCHEME.documentEntryConfidentialityCode,
    "DocumentEntry.eventCodeList": CLASSIFICATION_SCHEME.documentEntryEventCodeList,
    "DocumentEntry.formatCode": CLASSIFICATION_SCHEME.documentEntryFormatCode,
    "DocumentEntry.healthcareFacilityTypeCode": CLASSIFICATION_SCHEME.documentEntryHealthcareFacilityTypeCode,
    "DocumentEntry.practiceSettingCode": CLASSIFICATION_SCHEME.documentEntryPracticeSettingCode,
    "DocumentEntry.typeCode": CLASSIFICATION_SCHEME.documentEntryTypeCode,
    "DocumentEntry limitedMetadata": CLASSIFICATION_NODE.documentEntryLimitedMetadata,
    "DocumentEntry.patientId": IDENTIFICATION_SCHEME.documentEntryPatientId,
    "DocumentEntry.uniqueId": IDENTIFICATION_SCHEME.documentEntryUniqueId,
    SubmissionSet: CLASSIFICATION_NODE.submissionSet,
    "SubmissionSet.author": CLASSIFICATION_SCHEME.submissionSetAuthor,
    "SubmissionSet.contentTypeCode": CLASSIFICATION_SCHEME.submissionSetContentTypeCode,
    "SubmissionSet limitedMetadata": CLASSIFICATION_NODE.submissionSetLimitedMetadata,
    "SubmissionSet.patientId": IDENTIFICATION_SCHEME.submissionSetPatientId,
    "SubmissionSet.uniqueId": IDENTIFICATION_SCHEME.submissionSetUniqueId,
    "SubmissionSet.sourceId": IDENTIFICATION_SCHEME.submissionSetSourceId,
    Folder: CLASSIFICATION_NODE.folder,
    "Folder.codeList": CLASSIFICATION_SCHEME.folderCodeList,
    "Folder limitedMetadata": CLASSIFICATION_NODE.folderLimitedMetadata,
    "Folder.patientId": IDENTIFICATION_SCHEME.folderPatientId,
    "Folder.uniqueId": IDENTIFICATION_SCHEME.folderUniqueId,
    "Association documentation": CLASSIFICATION_SCHEME.associationDocumentation,
  };

  it("covers every row of the table", () => {
    expect(table.size).toBe(26);
    expect(new Set(table.keys())).toEqual(new Set(Object.keys(expected)));
  });

  for (const [row, value] of Object.entries(expected)) {
    it(`${row} = ${value}`, () => {
      expect(table.get(row)).toBe(value);
    });
  }

  it("has no UUID twice", () => {
    const all = [
      ...Object.values(DOCUMENT_ENTRY_TYPE),
      ...Object.values(CLASSIFICATION_SCHEME),
      ...Object.values(CLASSIFICATION_NODE),
      ...Object.values(IDENTIFICATION_SCHEME),
      ...Object.values(STORED_QUERY),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it("names every external identifier scheme as the spec does", () => {
    expect(IDENTIFICATION_SCHEME_NAME[IDENTIFICATION_SCHEME.documentEntryPatientId]).toBe("XDSDocumentEntry.patientId");
    expect(IDENTIFICATION_SCHEME_NAME[IDENTIFICATION_SCHEME.folderUniqueId]).toBe("XDSFolder.uniqueId");
    expect(Object.keys(IDENTIFICATION_SCHEME_NAME)).toHaveLength(Object.keys(IDENTIFICATION_SCHEME).length);
  });
});

describe("stored query ids against the reference", () => {
  const names: Record<string, keyof typeof STORED_QUERY> = {
    FindDocuments: "findDocuments",
    FindSubmissionSets: "findSubmissionSets",
    FindFolders: "findFolders",
    GetAll: "getAll",
    GetDocuments: "getDocuments",
    GetFolders: "getFolders",
    GetAssociations: "getAssociations",
    GetDocumentsAndAssociations: "getDocumentsAndAssociations",
    GetSubmissionSets: "getSubmissionSets",
    GetSubmissionSetAndContents: "getSubmissionSetAndContents",
    GetFolderAndContents: "getFolderAndContents",
    GetFoldersForDocument: "getFoldersForDocument",
    GetRelatedDocuments: "getRelatedDocuments",
    FindDocumentsByReferenceId: "findDocumentsByReferenceId",
    FindDocumentsForMultiplePatients: "findDocumentsForMultiplePatients",
    FindFoldersForMultiplePatients: "findFoldersForMultiplePatients",
  };
  const flat = reference.replace(/\s+/g, " ");
  for (const [name, key] of Object.entries(names)) {
    it(name, () => {
      const m = new RegExp(`${name} (urn:uuid:[0-9a-f-]{36})`).exec(flat);
      expect(m?.[1]).toBe(STORED_QUERY[key]);
    });
  }
});

describe("status, severity, association types and actions against the reference", () => {
  it("response status URNs, PartialSuccess in the IHE namespace", () => {
    for (const v of Object.values(RESPONSE_STATUS)) expect(reference).toContain(v.replace(/:[A-Za-z]+$/, ""));
    expect(RESPONSE_STATUS.partialSuccess).toBe("urn:ihe:iti:2007:ResponseStatusType:PartialSuccess");
    expect(reference).toContain(RESPONSE_STATUS.partialSuccess);
  });

  it("severities and object status", () => {
    expect(reference).toContain(ERROR_SEVERITY.error.replace(/Error$/, ""));
    expect(ERROR_SEVERITY.warning).toBe("urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning");
    expect(reference).toContain(OBJECT_STATUS.approved);
    expect(OBJECT_STATUS.deprecated).toBe("urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated");
    expect(reference).toContain(DOCUMENT_AVAILABILITY.online);
  });

  it("association types", () => {
    expect(reference).toContain(ASSOCIATION_TYPE.hasMember);
    for (const t of ["RPLC", "XFRM", "APND", "XFRM_RPLC", "signs"]) {
      expect(Object.values(ASSOCIATION_TYPE)).toContain(`urn:ihe:iti:2007:AssociationType:${t}`);
    }
    for (const t of ["UpdateAvailabilityStatus", "SubmitAssociation", "IsSnapshotOf"]) {
      expect(Object.values(ASSOCIATION_TYPE)).toContain(`urn:ihe:iti:2010:AssociationType:${t}`);
    }
  });

  it("every error code of the reference list is known", () => {
    const listed = /errorCode values \(IPF `ErrorCode`\): ([^.]+)\./.exec(reference.replace(/\s+/g, " "))?.[1] ?? "";
    const codes = listed.split(",").map((s) => s.trim()).filter(Boolean);
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) expect(ERROR_CODES).toContain(code);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it("every action of the reference table", () => {
    const rows = [...reference.matchAll(/^\| (ITI-\d+)[^|]*\| [^|]*\| `([^`]+)` \| `([^`]+)` \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const [, tx, request, response] of rows) {
      const key = `iti${tx?.slice(4)}` as keyof typeof ACTION;
      expect(ACTION[key], tx).toEqual({ request, response });
    }
  });

  it("namespaces of section 1.4", () => {
    for (const ns of [NS.rim, NS.rs, NS.lcm, NS.query, NS.xdsb, NS.rmd, NS.soap12, NS.wsa, NS.xop, NS.xmime]) {
      expect(reference).toContain(ns);
    }
  });
});
