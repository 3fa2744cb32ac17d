/** Test support for the submission patient scan: the ITI-41/ITI-42 samples, and what the full parse reads from them. */
import { readFileSync } from "node:fs";
import { xdsMetadataFromRim } from "../metadata/xds-metadata.js";
import type { ParseResult } from "../xds-error.js";
import { NS } from "../vocabulary.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElements, firstChild, isNamed, type XmlElement } from "../xml/xml-node.js";
import { parseProvideAndRegisterRequest } from "./provide-and-register-request.js";
import { parseSubmitObjectsRequest, type SubmitObjectsRequest } from "./submit-objects-request.js";
import type { SubmissionPatientScan, SubmissionPatientScanResult } from "./submission-patients.scan.js";

const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);

/** Every ebRIM 3.0 ITI-42 (bare SubmitObjectsRequest or SOAP envelope) and ITI-41 message among the samples. */
export const SUBMISSION_SAMPLES = [
  "samples/dcm4chee-xds2/CreateFolder.xml",
  "samples/dcm4chee-xds2/CreateFolderWithDocument.xml",
  "samples/dcm4chee-xds2/RegisterGenericDocument.xml",
  "samples/dcm4chee-xds2/RegisterOneDocument.xml",
  "samples/dcm4chee-xds2/RegisterTwoDocuments.xml",
  "samples/dcm4chee-xds2/RegisterTwoDocumentsForDeletion.xml",
  "samples/dcm4chee-xds2/ResubmitInitialDoc.xml",
  "samples/dcm4chee-xds2/sq/rplc.xml",
  "samples/dcm4chee-xds2/sq/single_doc.xml",
  "samples/dcm4chee-xds2/sq/single_doc_for_rplc.xml",
  "samples/dcm4chee-xds2/sq/single_doc_w_fol.xml",
  "samples/dcm4chee-xds2/sq/two_doc_w_fol.xml",
  "samples/dcm4chee-xds2/testCodeClassifications.xml",
  "samples/ipf/SubmitObjectsRequest_ebrs30_update.xml",
  "samples/ipf/SubmitObjectsRequest_ebrs3_extra_metadata.xml",
  "samples/ipf/submission-set.xml",
  "samples/nist-iheos-toolkit2/messagevalidator/pnr.xml",
  "samples/nist-iheos-toolkit2/messagevalidator/soap-pnr.xml",
  "samples/nist-iheos-toolkit2/testkit/tests/15800/original/single_doc.xml",
  "samples/nist-iheos-toolkit2/testkit/tests/ReposAcceptanceTest-1111/SubmitRplc/single_doc.xml",
  "samples/nist-iheos-toolkit2/testkit/tests/ReposAcceptanceTest-1111/SubmitSingleDoc/single_doc.xml",
  "samples/openhim-mediator-xds/RegisterDocumentSet-bRequest_SOAP.xml",
  "samples/openhim-mediator-xds/pnr2.xml",
  "samples/openxds/add_document2_folder.xml",
  "samples/openxds/submit_document.xml",
  "samples/openxds/submit_multiple_documents.xml",
  "samples/xcadocumentsource/iti41-request2.xml",
] as const;

/** ITI-41 MTOM captures: the scan is given their root part, as the gateway does once the MIME framing is off. */
export const MTOM_SAMPLES = ["mtom/http-mtom-pnr.txt", "mtom/sample_mtom_message.txt", "mtom/pnrxop-body.txt"] as const;

export function fixture(path: string): Uint8Array {
  return readFileSync(new URL(path, FIXTURES));
}

/** The root part of a multipart/related capture: the body of its first part (the captures use LF line ends). */
export function mtomRootPart(capture: Uint8Array): Uint8Array {
  const text = Buffer.from(capture);
  const delimiter = /^--(\S+)[ \t]*$/m.exec(text.toString("latin1"));
  if (!delimiter) throw new Error("no MIME boundary in the capture");
  const headersEnd = text.indexOf("\n\n", delimiter.index);
  const next = text.indexOf(`\n--${delimiter[1]}`, headersEnd + 2);
  return text.subarray(headersEnd + 2, next);
}

/** The patient ids and sourceIds the full parse reads: parseXml, the message parser, then the XDS metadata views. */
export function fullParsePatients(bytes: Uint8Array): { patientIds: string[]; sourceIds: string[] } {
  const request = submitObjectsRequestOf(parseXml(bytes));
  const md = xdsMetadataFromRim(request.objects);
  const patientIds = [...md.submissionSets, ...md.documentEntries, ...md.folders].map((o) => o.patientId);
  const sourceIds = md.submissionSets.map((s) => s.sourceId);
  return { patientIds: distinctSorted(patientIds), sourceIds: distinctSorted(sourceIds) };
}

function submitObjectsRequestOf(root: XmlElement): SubmitObjectsRequest {
  let el = root;
  if (isNamed(el, NS.soap12, "Envelope")) {
    const body = firstChild(el, NS.soap12, "Body");
    const first = body && childElements(body)[0];
    if (!first) throw new Error("empty SOAP Body");
    el = first;
  }
  if (isNamed(el, NS.xdsb, "ProvideAndRegisterDocumentSetRequest")) return valueOf(parseProvideAndRegisterRequest(el)).submitObjectsRequest;
  return valueOf(parseSubmitObjectsRequest(el));
}

function valueOf<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`the full parse refused the sample: ${JSON.stringify(result.errors)}`);
  return result.value;
}

export function distinctSorted(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))].sort();
}

/** Feeds `bytes` in slices of the given sizes (cycled) and ends the input; returns the result and the bytes pushed. */
export function feed(scan: SubmissionPatientScan, bytes: Uint8Array, sizes: readonly number[]): { result: SubmissionPatientScanResult; pushed: number } {
  let offset = 0;
  for (let i = 0; offset < bytes.byteLength; i += 1) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    const result = scan.push(bytes.subarray(offset, offset + size));
    offset = Math.min(bytes.byteLength, offset + size);
    if (result.kind === "done") return { result, pushed: offset };
  }
  return { result: scan.end(), pushed: offset };
}
