import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xdsMetadataFromRim, xdsMetadataToRim } from "../metadata/xds-metadata.js";
import { NS } from "../vocabulary.js";
import { parseXml } from "../xml/parse-xml.js";
import { writeXml } from "../xml/write-xml.js";
import { XmlError } from "../xml/xml-error.js";
import { element, type XmlElement } from "../xml/xml-node.js";
import { PREFERRED_PREFIXES } from "./message-io.js";
import { writeProvideAndRegisterRequest } from "./provide-and-register-request.js";
import { readSubmitObjectsRequest, writeSubmitObjectsRequest } from "./submit-objects-request.js";
import { Problems } from "../problems.js";
import { createSubmissionPatientScan, type SubmissionPatientScanResult } from "./submission-patients.scan.js";
import {
  MTOM_SAMPLES,
  SUBMISSION_SAMPLES,
  distinctSorted,
  feed,
  fixture,
  fullParsePatients,
  mtomRootPart,
} from "./submission-patients.scan.testing.js";

const utf8 = new TextEncoder();
const scanWhole = (bytes: Uint8Array, maxBytes?: number) =>
  feed(createSubmissionPatientScan(maxBytes === undefined ? {} : { maxBytes }), bytes, [bytes.byteLength]).result;

function doneOf(result: SubmissionPatientScanResult): { patientIds: string[]; sourceIds: string[] } {
  if (result.kind !== "done") throw new Error("the scan did not finish");
  return { patientIds: result.patientIds, sourceIds: result.sourceIds };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return (e as XmlError).code;
  }
  throw new Error("expected an XmlError");
}

const envelope = (body: string, header = "") =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap12}"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const LCM = `xmlns:lcm="${NS.lcm}"`;
const RIM = `xmlns:rim="${NS.rim}"`;
const patientEi = (scheme: string, value: string) =>
  `<rim:ExternalIdentifier id="ei-${scheme.slice(-4)}" registryObject="o" identificationScheme="${scheme}" value="${value}"><rim:Name/></rim:ExternalIdentifier>`;
const DE_PATIENT = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";

describe("createSubmissionPatientScan on the ITI-41 and ITI-42 samples", () => {
  it.each(SUBMISSION_SAMPLES)("%s: the patients and sourceIds of the full parse", (path) => {
    const bytes = fixture(path);
    const scanned = doneOf(scanWhole(bytes));
    const expected = fullParsePatients(bytes);
    expect(distinctSorted(scanned.patientIds)).toEqual(expected.patientIds);
    expect(distinctSorted(scanned.sourceIds)).toEqual(expected.sourceIds);
    expect(new Set(scanned.patientIds).size).toBe(scanned.patientIds.length);
  });

  it.each(SUBMISSION_SAMPLES)("%s: the same answer byte by byte", (path) => {
    const bytes = fixture(path);
    expect(feed(createSubmissionPatientScan(), bytes, [1]).result).toEqual(scanWhole(bytes));
  });

  it("gives the same answer for every chunking of every sample", () => {
    const samples = SUBMISSION_SAMPLES.map((path) => fixture(path));
    const whole = samples.map((bytes) => scanWhole(bytes));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 64 }),
        (index, sizes) => {
          expect(feed(createSubmissionPatientScan(), samples[index] as Uint8Array, sizes).result).toEqual(whole[index]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(MTOM_SAMPLES)("%s: the root part of the MTOM capture gives the patients of the full parse", (path) => {
    const root = mtomRootPart(fixture(path));
    const scanned = doneOf(feed(createSubmissionPatientScan(), root, [7, 300, 1]).result);
    expect(scanned.patientIds.length).toBeGreaterThan(0);
    expect(distinctSorted(scanned.patientIds)).toEqual(fullParsePatients(root).patientIds);
    expect(distinctSorted(scanned.sourceIds)).toEqual(fullParsePatients(root).sourceIds);
  });

  it("reads past a byte order mark and line breaks before the XML declaration", () => {
    const bytes = fixture("samples/nist-iheos-toolkit2/messagevalidator/soap-pnr.xml");
    const prefixed = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("\r\n \n"), bytes]);
    expect(feed(createSubmissionPatientScan(), prefixed, [1]).result).toEqual(scanWhole(bytes));
    expect(scanWhole(prefixed)).toEqual(scanWhole(bytes));
  });
});

describe("createSubmissionPatientScan on a multi-patient submission", () => {
  // A SubmissionSet, a Folder and a DocumentEntry of one sample, each given another patient (ITI TF-3 4.2.3): the
  // registry refuses such a submission (XDSPatientIdDoesNotMatch), which is why the gateway must see all three.
  const sample = readSubmitObjectsRequest(parseXml(fixture("samples/dcm4chee-xds2/CreateFolderWithDocument.xml")), new Problems());
  const md = xdsMetadataFromRim(sample.objects);
  const [ss, folder, entry] = [md.submissionSets[0], md.folders[0], md.documentEntries[0]];
  if (!ss || !folder || !entry) throw new Error("the sample lost its SubmissionSet, Folder or DocumentEntry");
  const mixed = {
    ...md,
    submissionSets: [{ ...ss, patientId: "P1^^^&1.2.3&ISO", sourceId: "1.3.6.1.4.1.59999.1" }],
    folders: [{ ...folder, patientId: "P2^^^&1.2.3&ISO" }],
    documentEntries: [{ ...entry, patientId: "P3^^^&1.2.3&ISO" }],
  };
  const request = writeSubmitObjectsRequest({ requestSlots: [], objects: xdsMetadataToRim(mixed) });

  it("reports every patient, with the entities of the CX ids decoded, in order of first appearance", () => {
    const xml = writeXml(request, { prefixes: PREFERRED_PREFIXES, declaration: true });
    expect(xml).toContain("P2^^^&amp;1.2.3&amp;ISO");
    const scanned = doneOf(feed(createSubmissionPatientScan(), utf8.encode(xml), [13]).result);
    // xdsMetadataToRim writes SubmissionSets, then Folders, then DocumentEntries.
    expect(scanned).toEqual({ patientIds: ["P1^^^&1.2.3&ISO", "P2^^^&1.2.3&ISO", "P3^^^&1.2.3&ISO"], sourceIds: ["1.3.6.1.4.1.59999.1"] });
  });

  it("lists a patient once however often it appears", () => {
    const body = `<lcm:SubmitObjectsRequest ${LCM} ${RIM}><rim:RegistryObjectList>${patientEi(DE_PATIENT, "B^^^&amp;1&amp;ISO")}${patientEi(DE_PATIENT, "A^^^&amp;1&amp;ISO")}${patientEi(DE_PATIENT, "B^^^&amp;1&amp;ISO")}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    expect(doneOf(scanWhole(utf8.encode(envelope(body)))).patientIds).toEqual(["B^^^&1&ISO", "A^^^&1&ISO"]);
  });
});

describe("createSubmissionPatientScan stops at the end of the SubmitObjectsRequest", () => {
  // ITI TF-2b 3.41.4.1.2: the xdsb:Document elements follow the SubmitObjectsRequest. A 20 MB inline document is
  // larger than the default 16 MiB limit, so the scan only succeeds if it never reads it.
  const DOCUMENT_BYTES = 20 * 1024 * 1024;
  const md = xdsMetadataFromRim(
    readSubmitObjectsRequest(parseXml(fixture("samples/dcm4chee-xds2/RegisterOneDocument.xml")), new Problems()).objects,
  );
  const pnr = writeProvideAndRegisterRequest({
    submitObjectsRequest: { requestSlots: [], objects: xdsMetadataToRim(md) },
    documents: [{ id: md.documentEntries[0]?.entryUuid ?? "Document01", payload: { kind: "inline", bytes: utf8.encode("marker") } }],
  });
  const soap: XmlElement = element(NS.soap12, "Envelope", {}, [element(NS.soap12, "Body", {}, [pnr])]);
  const [head, tail] = writeXml(soap, { prefixes: PREFERRED_PREFIXES, declaration: true }).split(Buffer.from("marker").toString("base64"));
  const headBytes = utf8.encode(head ?? "");
  const requestEnd = (head ?? "").indexOf("</lcm:SubmitObjectsRequest>") + "</lcm:SubmitObjectsRequest>".length;
  const base64Block = utf8.encode("QUJD".repeat(16 * 1024));

  it("answers done once the closing tag is read, before any document byte", () => {
    expect(requestEnd).toBeGreaterThan(100);
    const scan = createSubmissionPatientScan();
    expect(scan.push(headBytes.subarray(0, requestEnd - 1))).toEqual({ kind: "more" });
    const done = scan.push(headBytes.subarray(requestEnd - 1, requestEnd));
    expect(doneOf(done).patientIds).toEqual(fullParsePatients(fixture("samples/dcm4chee-xds2/RegisterOneDocument.xml")).patientIds);
    // Whatever follows is not read: the rest of the message, even malformed bytes, leaves the answer as it was.
    expect(scan.push(headBytes.subarray(requestEnd))).toEqual(done);
    expect(scan.push(utf8.encode("<<<not xml"))).toEqual(done);
    expect(scan.end()).toEqual(done);
  });

  it("finishes a message whose 20 MB document follows the metadata without reaching the document", () => {
    const scan = createSubmissionPatientScan();
    let pushed = 0;
    let result: SubmissionPatientScanResult = scan.push(headBytes);
    pushed += headBytes.byteLength;
    for (let sent = 0; result.kind === "more" && sent < DOCUMENT_BYTES; sent += base64Block.byteLength) {
      result = scan.push(base64Block);
      pushed += base64Block.byteLength;
    }
    expect(result.kind).toBe("done");
    expect(pushed).toBe(headBytes.byteLength);
    expect(utf8.encode(tail ?? "").byteLength).toBeGreaterThan(0);
  });

  it("finishes when the metadata and the start of the document arrive in one large chunk", () => {
    const chunk = Buffer.concat([headBytes, Buffer.from(base64Block), Buffer.from(base64Block)]);
    expect(scanWhole(chunk).kind).toBe("done");
  });
});

describe("createSubmissionPatientScan refuses", () => {
  const pnrBytes = fixture("samples/nist-iheos-toolkit2/messagevalidator/soap-pnr.xml");
  const pnrText = Buffer.from(pnrBytes).toString("utf8");

  it("a DOCTYPE (XML entity attacks), as parseXml does", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY p "P1">]><lcm:SubmitObjectsRequest ${LCM} ${RIM}><rim:RegistryObjectList>${patientEi(DE_PATIENT, "&p;")}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    expect(refusal(() => scanWhole(utf8.encode(xml)))).toBe("XML_DOCTYPE");
    expect(refusal(() => feed(createSubmissionPatientScan(), utf8.encode(xml), [1]))).toBe("XML_DOCTYPE");
  });

  it("malformed XML inside the SubmitObjectsRequest", () => {
    const broken = pnrText.replace("</rim:RegistryObjectList>", "</rim:RegistryObjectLst>");
    expect(refusal(() => scanWhole(utf8.encode(broken)))).toBe("XML_MALFORMED");
    const undefinedEntity = `<lcm:SubmitObjectsRequest ${LCM} ${RIM}>${patientEi(DE_PATIENT, "P1&nbsp;")}</lcm:SubmitObjectsRequest>`;
    expect(refusal(() => scanWhole(utf8.encode(undefinedEntity)))).toBe("XML_MALFORMED");
  });

  it("bytes that are not UTF-8, or a declared other encoding", () => {
    const latin1 = Buffer.concat([Buffer.from(envelope(`<lcm:SubmitObjectsRequest ${LCM} ${RIM} comment="`)), Buffer.from([0xe9]), Buffer.from(`"/>`)]);
    expect(refusal(() => scanWhole(latin1))).toBe("XML_ENCODING");
    const declared = `<?xml version="1.0" encoding="ISO-8859-1"?><lcm:SubmitObjectsRequest ${LCM}/>`;
    expect(refusal(() => scanWhole(utf8.encode(declared)))).toBe("XML_ENCODING");
  });

  it("input that ends before the SubmitObjectsRequest closed", () => {
    const cut = pnrBytes.subarray(0, pnrText.indexOf("</lcm:SubmitObjectsRequest>"));
    const scan = createSubmissionPatientScan();
    expect(scan.push(cut)).toEqual({ kind: "more" });
    expect(refusal(() => scan.end())).toBe("XML_TRUNCATED");
    expect(refusal(() => createSubmissionPatientScan().end())).toBe("XML_TRUNCATED");
  });

  it("more than maxBytes before the SubmitObjectsRequest closed, and accepts exactly maxBytes", () => {
    const end = Buffer.byteLength(pnrText.slice(0, pnrText.indexOf("</lcm:SubmitObjectsRequest>") + "</lcm:SubmitObjectsRequest>".length));
    expect(refusal(() => scanWhole(pnrBytes, end - 1))).toBe("XML_TOO_LARGE");
    expect(refusal(() => feed(createSubmissionPatientScan({ maxBytes: end - 1 }), pnrBytes, [100]))).toBe("XML_TOO_LARGE");
    expect(scanWhole(pnrBytes, end)).toEqual(scanWhole(pnrBytes));
  });

  it("a message without a SubmitObjectsRequest (an ITI-18 AdhocQueryRequest), as soon as its body element opens", () => {
    const query = fixture("samples/nist-iheos-toolkit2/messagevalidator/soap-sq-req.xml");
    const text = Buffer.from(query).toString("utf8");
    const bodyElement = text.indexOf("<query:AdhocQueryRequest");
    const scan = createSubmissionPatientScan();
    expect(scan.push(query.subarray(0, bodyElement))).toEqual({ kind: "more" });
    expect(refusal(() => scan.push(query.subarray(bodyElement)))).toBe("XML_UNEXPECTED_CONTENT");
    expect(refusal(() => scanWhole(utf8.encode(`<query:AdhocQueryRequest xmlns:query="${NS.query}"/>`)))).toBe("XML_UNEXPECTED_CONTENT");
    expect(refusal(() => scanWhole(utf8.encode(envelope(""))))).toBe("XML_UNEXPECTED_CONTENT");
  });

  it("a SubmitObjectsRequest outside the body element the services read", () => {
    // A submission smuggled into a header, or after the first body element, would let the gateway check patients
    // of a request the repository never processes.
    const submission = `<lcm:SubmitObjectsRequest ${LCM} ${RIM}>${patientEi(DE_PATIENT, "P9")}</lcm:SubmitObjectsRequest>`;
    const query = `<query:AdhocQueryRequest xmlns:query="${NS.query}"/>`;
    expect(refusal(() => scanWhole(utf8.encode(envelope(query, submission))))).toBe("XML_UNEXPECTED_CONTENT");
    expect(refusal(() => scanWhole(utf8.encode(envelope(query + submission))))).toBe("XML_UNEXPECTED_CONTENT");
    const headerAndBody = envelope(submission.replace("P9", "P8"), submission);
    expect(doneOf(scanWhole(utf8.encode(headerAndBody))).patientIds).toEqual(["P8"]);
  });

  it("every call after a refusal, with the same error", () => {
    const scan = createSubmissionPatientScan();
    let first: unknown;
    try {
      scan.push(utf8.encode("<lcm:SubmitObjectsRequest <"));
    } catch (e) {
      first = e;
    }
    expect(first).toBeInstanceOf(XmlError);
    expect(() => scan.push(utf8.encode("/>"))).toThrow(first);
    expect(() => scan.end()).toThrow(first);
  });
});
