import { attribute, childElements, parseXml, textContent, type XmlElement } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { eventIdentificationOf, sideOf } from "./audit-codes.js";
import type { AuditRecord } from "./audit-record.js";
import { QUERY_REQUEST_XML, TRANSACTION_ROLES, sampleRecord } from "./audit-record.testing.js";
import { readDicomAuditMessage } from "./dicom-audit-message.reader.js";
import { toDicomAuditMessage } from "./dicom-audit-message.writer.js";

function tree(record: AuditRecord): XmlElement {
  return parseXml(toDicomAuditMessage(record));
}
const kids = (el: XmlElement, local: string): XmlElement[] => childElements(el).filter((c) => c.local === local);
const kid = (el: XmlElement, local: string): XmlElement => {
  const found = kids(el, local)[0];
  if (!found) throw new Error(`no ${local} in ${el.local}`);
  return found;
};
const attrs = (el: XmlElement): Record<string, string> => Object.fromEntries(el.attrs.map((a) => [a.local, a.value]));
const roleOf = (p: XmlElement): string | undefined => kids(p, "RoleIDCode").map((r) => attribute(r, "csd-code"))[0];

describe("toDicomAuditMessage then readDicomAuditMessage", () => {
  for (const [transaction, roles] of Object.entries(TRANSACTION_ROLES) as [AuditRecord["transaction"], AuditRecord["role"][]][]) {
    for (const role of roles) {
      it(`${transaction} recorded by the ${role} round-trips`, () => {
        const record = sampleRecord(transaction, role);
        const read = readDicomAuditMessage(toDicomAuditMessage(record));
        if (!read.ok) throw new Error(`${read.code}: ${read.reason}`);
        const m = read.record;
        const ident = eventIdentificationOf(transaction, sideOf(transaction, role) ?? "responder", record.feedAction);
        expect(m.eventId).toEqual(ident.eventId);
        expect(m.eventTypes).toEqual([ident.eventType]);
        expect(m.action).toBe(ident.action);
        expect(m.occurredAt).toBe(record.occurredAt);
        expect(m.outcome).toBe(record.outcome);
        expect(m.patientIds).toEqual(record.patientIds);
        expect(m.auditSources).toEqual([{ id: record.auditSource.id, enterpriseSiteId: "OpenDSP-Test", typeCodes: ["4"] }]);
        if (transaction !== "ITI-40") expect(m.transaction).toBe(transaction);
        const roleCodes = m.participants.flatMap((p) => p.roles.map((r) => r.code));
        expect(roleCodes).toContain("110153");
        expect(roleCodes).toContain("110152");
        if (record.requestor?.kind === "system") {
          expect(m.requestorIds).toEqual([record.client?.id]);
        } else {
          expect(m.requestorIds).toEqual([record.requestor?.id]);
        }
        if (transaction === "ITI-43") {
          expect(m.documents).toEqual(record.documents);
        } else {
          expect(m.documents).toEqual([]);
        }
        if (transaction === "ITI-18") {
          expect(m.objects.find((o) => o.typeCodeRole === "24")?.query).toBe(record.query?.requestBase64);
        }
        if (transaction === "ITI-41" || transaction === "ITI-42") {
          expect(m.objects.find((o) => o.typeCodeRole === "20")?.id).toBe(record.submissionSetUniqueId);
        }
        if (record.failure) expect(m.outcomeDescription).toBe(`${record.failure.code}: ${record.failure.reason}`);
      });
    }
  }
});

describe("toDicomAuditMessage", () => {
  it("writes ITI-18 as ITI TF-2 3.18.5.1 asks: Query/E, Source, human requestor, Destination, patient and query objects", () => {
    const record = sampleRecord("ITI-18", "registry");
    const root = tree(record);
    expect(root.local).toBe("AuditMessage");
    expect(root.ns).toBe("");
    const event = kid(root, "EventIdentification");
    expect(attrs(event)).toEqual({ EventActionCode: "E", EventDateTime: "2026-12-05T13:45:12.345+01:00", EventOutcomeIndicator: "0" });
    expect(attrs(kid(event, "EventID"))).toEqual({ "csd-code": "110112", codeSystemName: "DCM", originalText: "Query" });
    expect(attrs(kid(event, "EventTypeCode"))).toEqual({ "csd-code": "ITI-18", codeSystemName: "IHE Transactions", originalText: "Registry Stored Query" });
    expect(attrs(kid(event, "PurposeOfUse"))).toEqual({ "csd-code": "TREAT", codeSystemName: "urn:oid:2.16.840.1.113883.1.11.20448", originalText: "TREAT" });

    const [source, human, destination, ...more] = kids(root, "ActiveParticipant");
    expect(more).toEqual([]);
    expect(attrs(source!)).toEqual({ UserID: "http://consumer.example/reply", UserIsRequestor: "false", NetworkAccessPointID: "10.1.2.3", NetworkAccessPointTypeCode: "2" });
    expect(attrs(kid(source!, "RoleIDCode"))).toEqual({ "csd-code": "110153", codeSystemName: "DCM", originalText: "Source Role ID" });
    expect(attrs(human!)).toEqual({ UserID: "10001234567", UserName: "alice<10001234567@https://idp.example>", UserIsRequestor: "true" });
    expect(attrs(kid(human!, "RoleIDCode"))).toEqual({ "csd-code": "10", codeSystemName: "urn:oid:1.2.250.1.213.1.1.4.6", originalText: "10" });
    expect(attrs(destination!)).toEqual({ UserID: "https://dsp.example/xds/registry", UserIsRequestor: "false", NetworkAccessPointID: "dsp.example", NetworkAccessPointTypeCode: "1" });
    expect(attrs(kid(destination!, "RoleIDCode"))).toEqual({ "csd-code": "110152", codeSystemName: "DCM", originalText: "Destination Role ID" });

    const source2 = kid(root, "AuditSourceIdentification");
    expect(attrs(source2)).toEqual({ AuditEnterpriseSiteID: "OpenDSP-Test", AuditSourceID: "opendsp-registry" });

    const [patient, query, ...others] = kids(root, "ParticipantObjectIdentification");
    expect(others).toEqual([]);
    expect(attrs(patient!)).toEqual({ ParticipantObjectID: "123456^^^&1.2.250.1.213.1.4.8&ISO", ParticipantObjectTypeCode: "1", ParticipantObjectTypeCodeRole: "1" });
    expect(attrs(kid(patient!, "ParticipantObjectIDTypeCode"))).toEqual({ "csd-code": "2", codeSystemName: "RFC-3881", originalText: "Patient Number" });
    expect(attrs(query!)).toEqual({ ParticipantObjectID: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d", ParticipantObjectTypeCode: "2", ParticipantObjectTypeCodeRole: "24" });
    expect(attrs(kid(query!, "ParticipantObjectIDTypeCode"))).toEqual({ "csd-code": "ITI-18", codeSystemName: "IHE Transactions", originalText: "Registry Stored Query" });
    const base64 = textContent(kid(query!, "ParticipantObjectQuery"));
    expect(Buffer.from(base64, "base64").toString("utf8")).toBe(QUERY_REQUEST_XML);
    expect(kids(query!, "ParticipantObjectDetail").map(attrs)).toEqual([
      { type: "QueryEncoding", value: Buffer.from("UTF-8").toString("base64") },
      { type: "urn:ihe:iti:xca:2010:homeCommunityId", value: Buffer.from("urn:oid:1.2.250.1.213.2.1").toString("base64") },
    ]);
  });

  it("puts the elements in the PS3.15 A.5.1 order and declares UTF-8", () => {
    const xml = toDicomAuditMessage(sampleRecord("ITI-43", "consumer"));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><AuditMessage>')).toBe(true);
    const order = childElements(parseXml(xml)).map((c) => c.local);
    expect(order).toEqual([
      "EventIdentification",
      "ActiveParticipant",
      "ActiveParticipant",
      "ActiveParticipant",
      "AuditSourceIdentification",
      "ParticipantObjectIdentification",
      "ParticipantObjectIdentification",
      "ParticipantObjectIdentification",
    ]);
  });

  it("writes ITI-43 with the repository as Source and the consumer as Destination, each document as a report", () => {
    const root = tree(sampleRecord("ITI-43", "consumer"));
    const event = kid(root, "EventIdentification");
    expect(attribute(event, "EventActionCode")).toBe("C");
    expect(attribute(kid(event, "EventID"), "csd-code")).toBe("110107");
    const participants = kids(root, "ActiveParticipant").map((p) => [attribute(p, "UserID"), roleOf(p)]);
    expect(participants).toEqual([
      ["https://dsp.example/xds/registry", "110153"],
      ["http://consumer.example/reply", "110152"],
      ["10001234567", "10"],
    ]);
    const doc = kids(root, "ParticipantObjectIdentification")[1]!;
    expect(attrs(doc)).toEqual({ ParticipantObjectID: "1.2.250.1.999.2.1", ParticipantObjectTypeCode: "2", ParticipantObjectTypeCodeRole: "3" });
    expect(attrs(kid(doc, "ParticipantObjectIDTypeCode"))).toEqual({ "csd-code": "9", codeSystemName: "RFC-3881", originalText: "Report Number" });
    expect(kids(doc, "ParticipantObjectDetail").map(attrs)).toEqual([
      { type: "Repository Unique Id", value: Buffer.from("1.2.250.1.999.3").toString("base64") },
      { type: "ihe:homeCommunityID", value: Buffer.from("urn:oid:1.2.250.1.213.2.1").toString("base64") },
    ]);
  });

  it("writes ITI-41 and ITI-42 with Export/R on the sending side, Import/C on the receiving side and the submission set as a job", () => {
    for (const [transaction, role, id, action] of [
      ["ITI-41", "source", "110106", "R"],
      ["ITI-41", "repository", "110107", "C"],
      ["ITI-42", "repository", "110106", "R"],
      ["ITI-42", "registry", "110107", "C"],
    ] as const) {
      const root = tree(sampleRecord(transaction, role));
      const event = kid(root, "EventIdentification");
      expect([attribute(kid(event, "EventID"), "csd-code"), attribute(event, "EventActionCode")]).toEqual([id, action]);
      const set = kids(root, "ParticipantObjectIdentification").find((o) => attribute(o, "ParticipantObjectTypeCodeRole") === "20");
      expect(set && attrs(set)).toEqual({ ParticipantObjectID: "1.2.250.1.999.1.20261205.1", ParticipantObjectTypeCode: "2", ParticipantObjectTypeCodeRole: "20" });
      expect(attrs(kid(set!, "ParticipantObjectIDTypeCode"))).toEqual({
        "csd-code": "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd",
        codeSystemName: "IHE XDS Metadata",
        originalText: "submission set classificationNode",
      });
    }
  });

  it("writes ITI-8 as a Patient Record update from the feed's applications, with MSH-10 on the patient", () => {
    const root = tree(sampleRecord("ITI-8", "registry"));
    const event = kid(root, "EventIdentification");
    expect(attrs(kid(event, "EventID"))).toEqual({ "csd-code": "110110", codeSystemName: "DCM", originalText: "Patient Record" });
    expect(attribute(event, "EventActionCode")).toBe("U");
    expect(kids(root, "ActiveParticipant").map((p) => [attribute(p, "UserID"), attribute(p, "UserIsRequestor"), roleOf(p)])).toEqual([
      ["PAS|HOSPITAL", "true", "110153"],
      ["OPENDSP|DSP", "false", "110152"],
    ]);
    const patient = kid(root, "ParticipantObjectIdentification");
    expect(kids(patient, "ParticipantObjectDetail").map(attrs)).toEqual([{ type: "MSH-10", value: Buffer.from("MSG00042").toString("base64") }]);
  });

  it("writes an ITI-40 refusal as a failed User Authentication (Login) with the reason", () => {
    const root = tree(sampleRecord("ITI-40", "gateway"));
    const event = kid(root, "EventIdentification");
    expect(attrs(event)).toMatchObject({ EventActionCode: "E", EventOutcomeIndicator: "4" });
    expect(attrs(kid(event, "EventID"))).toEqual({ "csd-code": "110114", codeSystemName: "DCM", originalText: "User Authentication" });
    expect(attrs(kid(event, "EventTypeCode"))).toEqual({ "csd-code": "110122", codeSystemName: "DCM", originalText: "Login" });
    expect(textContent(kid(event, "EventOutcomeDescription"))).toBe("GW_XUA_EXPIRED: the assertion has expired");
    expect(kids(root, "ParticipantObjectIdentification")).toEqual([]);
  });

  it("writes the display name as UserName when the person came without an XUA assertion", () => {
    const record = sampleRecord("ITI-18", "consumer", { requestor: { kind: "patient", id: "P-1", name: "Jean Dupont" } });
    const human = kids(tree(record), "ActiveParticipant")[1]!;
    expect(attrs(human)).toEqual({ UserID: "P-1", UserName: "Jean Dupont", UserIsRequestor: "true" });
    expect(kids(human, "RoleIDCode")).toEqual([]);
  });

  it("names a SOAP sender without ReplyTo by the WS-Addressing anonymous URI and a system requestor as the requestor", () => {
    const { client: _client, ...rest } = sampleRecord("ITI-41", "repository", { requestor: { kind: "system", id: "CN=lab.example" } });
    const [source] = kids(tree(rest), "ActiveParticipant");
    expect(attrs(source!)).toEqual({ UserID: "http://www.w3.org/2005/08/addressing/anonymous", UserIsRequestor: "true" });
  });

  it("writes every outcome indicator and IPv6 addresses as IP", () => {
    const indicator = (outcome: AuditRecord["outcome"]) => attribute(kid(tree(sampleRecord("ITI-18", "registry", { outcome })), "EventIdentification"), "EventOutcomeIndicator");
    expect(["success", "minor-failure", "serious-failure", "major-failure"].map((o) => indicator(o as AuditRecord["outcome"]))).toEqual(["0", "4", "8", "12"]);
    const [source] = kids(tree(sampleRecord("ITI-18", "registry", { client: { networkAddress: "2001:db8::1" } })), "ActiveParticipant");
    expect(attribute(source!, "NetworkAccessPointTypeCode")).toBe("2");
  });
});
