import { checkAffinityDomainCodes, parseCodesXml, Problems, validateProvideAndRegister, xdsMetadataFromRim } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authorFromInput, personName } from "./author-input.js";
import { CONFIDENTIALITY, FORMAT_MIME_TYPE_SUFFICIENT } from "./code-systems.js";
import { buildDocumentSubmission } from "./document-submission.builder.js";
import { categoryByName } from "./dsp-categories.js";
import { newEntryUuid, uuidOid } from "./unique-ids.js";

const codes = parseCodesXml(readFileSync(join(import.meta.dirname, "../../../../services/registry/config/codes.xml")));
const PATIENT = "1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO";

function build() {
  const category = categoryByName("imaging-report");
  if (!category) throw new Error("no category");
  return buildDocumentSubmission({
    patientId: PATIENT,
    sourcePatientInfo: [`PID-3|${PATIENT}`, "PID-5|Muller^Anne^^^"],
    classCode: category.code,
    typeCode: category.code,
    formatCode: FORMAT_MIME_TYPE_SUFFICIENT,
    facilityType: category.facilityType,
    practiceSetting: category.practiceSetting,
    confidentiality: [CONFIDENTIALITY[0] ?? { code: "N", codingScheme: "" }],
    mimeType: "application/pdf",
    title: "IRM du genou",
    languageCode: "fr-LU",
    creationTime: "20261122101010",
    authors: [authorFromInput("Dr Jean Weber", { institution: "Centre Hospitalier de Luxembourg", role: "Radiologue" })],
    ids: { documentUniqueId: uuidOid(), submissionSetUniqueId: uuidOid(), entryUuid: newEntryUuid(), submissionSetUuid: newEntryUuid(), associationUuid: newEntryUuid() },
    submissionTime: "20261122101011",
    sourceId: "1.3.6.1.4.1.59999.4.1",
    contentId: "part-1@opendsp-cli",
  });
}

describe("buildDocumentSubmission", () => {
  it("builds an ITI-41 request that passes the ITI-41 metadata rules and the default domain's code checks", () => {
    const { request, entry, submissionSet } = build();
    const validation = validateProvideAndRegister(request);
    expect(validation.errors).toEqual([]);
    const problems = new Problems("XDSRepositoryMetadataError");
    checkAffinityDomainCodes(xdsMetadataFromRim(request.submitObjectsRequest.objects), codes, problems);
    expect(problems.list).toEqual([]);
    expect(entry.hash).toBeUndefined();
    expect(entry.repositoryUniqueId).toBeUndefined();
    expect(submissionSet.contentTypeCode).toEqual(entry.classCode);
  });

  it("links the document as an MTOM part and the entry with SubmissionSet HasMember (Original)", () => {
    const { request, entry, submissionSet } = build();
    expect(request.documents).toEqual([{ id: entry.entryUuid, payload: { kind: "xop", href: "cid:part-1@opendsp-cli" } }]);
    const md = xdsMetadataFromRim(request.submitObjectsRequest.objects);
    expect(md.associations).toHaveLength(1);
    expect(md.associations[0]).toMatchObject({ type: "HasMember", sourceUuid: submissionSet.entryUuid, targetUuid: entry.entryUuid, submissionSetStatus: "Original" });
  });
});

describe("authorFromInput", () => {
  it("reads a name into an XCN and keeps an XCN as given", () => {
    expect(authorFromInput("Dr Jean-Paul Weber").person).toBe("^Weber^Jean-Paul^^^Dr");
    expect(authorFromInput("Weber").person).toBe("^Weber");
    expect(authorFromInput("2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO").person).toBe("2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO");
    expect(personName("2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO")).toBe("Dr Jean Weber");
  });
});

describe("uuidOid", () => {
  it("writes a UUID as one integer under 2.25, within 64 characters", () => {
    expect(uuidOid("urn:uuid:00000000-0000-0000-0000-000000000010")).toBe("2.25.16");
    expect(uuidOid("ffffffff-ffff-ffff-ffff-ffffffffffff")).toBe("2.25.340282366920938463463374607431768211455");
    expect(uuidOid().length).toBeLessThanOrEqual(44);
    expect(() => uuidOid("nope")).toThrow(TypeError);
  });
});
