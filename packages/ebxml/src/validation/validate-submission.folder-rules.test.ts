import { describe, it, expect } from "vitest";
import { CLASSIFICATION_SCHEME as CS, IDENTIFICATION_SCHEME as IS } from "../vocabulary.js";
import { load, summary, iti42, edit, editObject, setIdentifier, dropClassifications } from "./validate-submission.testing.js";

describe("validateSubmission folder rules (mutations of dcm4chee CreateFolderWithDocument.xml)", () => {
  const good = () => load("dcm4chee-xds2/CreateFolderWithDocument.xml");
  const FOLDER = "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9102";

  it("requires title and codeList, and the SubmissionSet patient", () => {
    let req = editObject(good(), FOLDER, (o) => {
      const { name: _name, ...rest } = dropClassifications(o, CS.folderCodeList);
      return rest;
    });
    req = editObject(req, FOLDER, (o) => setIdentifier(o, IS.folderPatientId, "other^^^&1.2.3.45.4.3.2.1&ISO"));
    const errors = iti42(req);
    expect(errors.map((e) => e.errorCode)).toEqual(["XDSRegistryMetadataError", "XDSRegistryMetadataError", "XDSPatientIdDoesNotMatch"]);
    expect(errors.every((e) => e.location === `${FOLDER} (1.42.20120601170229.63)`)).toBe(true);
    expect(summary(errors)).toEqual([
      expect.stringContaining("XDSFolder.title is missing"),
      expect.stringContaining("XDSFolder.codeList is missing"),
      expect.stringContaining("XDSFolder.patientId"),
    ]);
  });

  it("requires the Folder-to-DocumentEntry HasMember to be a member of the SubmissionSet", () => {
    const req = edit(good(), (o) => (o.id === "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9107" ? undefined : o));
    expect(iti42(req)).toEqual([
      expect.objectContaining({ location: "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9106", codeContext: expect.stringContaining("not itself a member") as string }),
    ]);
  });
});
