import { serializeSubmitObjectsRequest } from "@opendsp/ebxml";
import { dischargeLetterEntry, registerRequest, submissionSetFor } from "@opendsp/testing";

/**
 * A realistic one-document Register request of the shared care record: a hospital discharge letter with two
 * authors, every coded attribute, source patient info and a reference id, as a hospital's XDS source sends it.
 */
export function realisticSubmissionXml(): string {
  const patientId = "1960010112345^^^&1.3.6.1.4.1.59999.2.1&ISO";
  const letter = dischargeLetterEntry(patientId);
  const entry = {
    ...letter,
    comments: { value: "Séjour du 12 au 19 novembre", lang: "fr-LU" },
    authors: [...letter.authors, { ...letter.authors[0], person: "3099^Schmit^Claire^^^Dr^^^&1.3.182.4.1&ISO", institutions: [], roles: [], specialties: [], telecommunications: [] }],
    eventCodes: [{ code: "I21", codingScheme: "2.16.840.1.113883.6.3", displayName: "Acute myocardial infarction" }],
    legalAuthenticator: "2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO",
    referenceIdList: ["ENC-2026-11-0042^^^&1.3.182.4.2.17&ISO^urn:ihe:iti:xds:2015:encounterId"],
  };
  return serializeSubmitObjectsRequest(registerRequest({ submissionSet: submissionSetFor(patientId), documentEntries: [entry] }));
}
