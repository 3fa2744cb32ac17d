import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readDicomAuditMessage, type ReceivedAuditMessage } from "./dicom-audit-message.reader.js";

function read(xml: string | Uint8Array): ReceivedAuditMessage {
  const result = readDicomAuditMessage(xml);
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.record;
}

/** In the style of the ITI TF-2 audit examples: indented, schema location, a Document Repository exporting on ITI-43. */
const ITI_43_REPOSITORY = `<?xml version="1.0" encoding="UTF-8"?>
<AuditMessage xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="dicom_audit_message.xsd">
  <EventIdentification EventActionCode="R" EventDateTime="2026-11-30T09:12:44Z" EventOutcomeIndicator="0">
    <EventID csd-code="110106" codeSystemName="DCM" originalText="Export"/>
    <EventTypeCode csd-code="ITI-43" codeSystemName="IHE Transactions" originalText="Retrieve Document Set"/>
  </EventIdentification>
  <ActiveParticipant UserID="http://repo.example:8080/xds/repository" UserIsRequestor="false"
                     NetworkAccessPointID="repo.example" NetworkAccessPointTypeCode="1">
    <RoleIDCode csd-code="110153" codeSystemName="DCM" originalText="Source Role ID"/>
  </ActiveParticipant>
  <ActiveParticipant UserID="http://www.w3.org/2005/08/addressing/anonymous" AlternativeUserID="4711"
                     UserIsRequestor="true" NetworkAccessPointID="192.168.4.20" NetworkAccessPointTypeCode="2">
    <RoleIDCode csd-code="110152" codeSystemName="DCM" originalText="Destination Role ID"/>
  </ActiveParticipant>
  <AuditSourceIdentification AuditSourceID="REPO-1" AuditEnterpriseSiteID="HOSPITAL-A">
    <AuditSourceTypeCode csd-code="4" codeSystemName="DCM" originalText="Application Server process or thread"/>
  </AuditSourceIdentification>
  <ParticipantObjectIdentification ParticipantObjectID="1.3.6.1.4.1.21367.2005.3.99.1.1010" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="3">
    <ParticipantObjectIDTypeCode csd-code="9" codeSystemName="RFC-3881" originalText="Report Number"/>
    <ParticipantObjectDetail type="Repository Unique Id" value="MS4zLjYuMS40LjEuMjEzNjcuMjAxMC4xLjIuMTAwMC4xMDI="/>
    <ParticipantObjectDetail type="ihe:homeCommunityID" value="dXJuOm9pZDoxLjMuNi4xLjQuMS4yMTM2Ny4yMDEwLjEuMi4yMDQ1"/>
  </ParticipantObjectIdentification>
  <ParticipantObjectIdentification ParticipantObjectID="1.3.6.1.4.1.21367.2005.3.99.1.1011" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="3">
    <ParticipantObjectIDTypeCode csd-code="9" codeSystemName="RFC-3881" originalText="Report Number"/>
    <ParticipantObjectDetail type="Repository Unique Id" value="MS4zLjYuMS40LjEuMjEzNjcuMjAxMC4xLjIuMTAwMC4xMDI="/>
  </ParticipantObjectIdentification>
</AuditMessage>`;

/** In the style of IPF/dcm4chee: one line, wrapped base64 query, a human requestor with a role and a purpose of use. */
const ITI_18_CONSUMER = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<AuditMessage><EventIdentification EventActionCode="E" EventDateTime="2026-11-30T10:01:02.123+01:00" EventOutcomeIndicator="0">',
  '<EventID csd-code="110112" codeSystemName="DCM" originalText="Query"/>',
  '<EventTypeCode csd-code="ITI-18" codeSystemName="IHE Transactions" originalText="Registry Stored Query"/>',
  '<PurposeOfUse csd-code="TREATMENT" codeSystemName="1.0.14265.1" originalText="Treatment"/>',
  "</EventIdentification>",
  '<ActiveParticipant UserID="http://consumer.example/reply" AlternativeUserID="12345@consumer-host" UserIsRequestor="false" NetworkAccessPointID="10.20.30.40" NetworkAccessPointTypeCode="2">',
  '<RoleIDCode csd-code="110153" codeSystemName="DCM" originalText="Source Role ID"/></ActiveParticipant>',
  '<ActiveParticipant UserID="dr.house&lt;house@ppth.example&gt;" UserName="Gregory House" UserIsRequestor="true">',
  '<RoleIDCode csd-code="158965000" codeSystemName="SNOMED-CT" originalText="Medical Practitioner"/></ActiveParticipant>',
  '<ActiveParticipant UserID="https://registry.example/xds/registry" UserIsRequestor="false" NetworkAccessPointID="registry.example" NetworkAccessPointTypeCode="1">',
  '<RoleIDCode csd-code="110152" codeSystemName="DCM" originalText="Destination Role ID"/></ActiveParticipant>',
  '<AuditSourceIdentification AuditSourceID="consumer-app"><AuditSourceTypeCode csd-code="4" codeSystemName="DCM" originalText="Application Server process or thread"/></AuditSourceIdentification>',
  '<ParticipantObjectIdentification ParticipantObjectID="8273^^^&amp;1.3.6.1.4.1.21367.2005.13.20.1000&amp;ISO" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1">',
  '<ParticipantObjectIDTypeCode csd-code="2" codeSystemName="RFC-3881" originalText="Patient Number"/></ParticipantObjectIdentification>',
  '<ParticipantObjectIdentification ParticipantObjectID="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="24">',
  '<ParticipantObjectIDTypeCode csd-code="ITI-18" codeSystemName="IHE Transactions" originalText="Registry Stored Query"/>',
  "<ParticipantObjectQuery>PHF1ZXJ5OkFkaG9jUXVlcnlSZXF1ZXN0\n  Lz4=</ParticipantObjectQuery>",
  '<ParticipantObjectDetail type="QueryEncoding" value="VVRGLTg="/>',
  "</ParticipantObjectIdentification></AuditMessage>",
].join("");

/** RFC 3881 era: code/displayName attributes, the source type as a code attribute, no object role on the patient, plain-text detail. */
const RFC_3881_LEGACY = `<AuditMessage>
  <EventIdentification EventActionCode="C" EventDateTime="2009-03-12T14:03:11" EventOutcomeIndicator="0">
    <EventID code="110107" codeSystemName="DCM" displayName="Import"/>
    <EventTypeCode code="ITI-42" codeSystemName="IHE Transactions" displayName="Register Document Set-b"/>
  </EventIdentification>
  <ActiveParticipant UserID="http://repository.example/reply" UserIsRequestor="1">
    <RoleIDCode code="110153" codeSystemName="DCM" displayName="Source"/>
  </ActiveParticipant>
  <ActiveParticipant UserID="http://registry.example/xds" UserIsRequestor="0">
    <RoleIDCode code="110152" codeSystemName="DCM" displayName="Destination"/>
  </ActiveParticipant>
  <AuditSourceIdentification AuditSourceID="LEGACY-REGISTRY"><AuditSourceTypeCode code="4"/></AuditSourceIdentification>
  <ParticipantObjectIdentification ParticipantObjectID="PID-77^^^&amp;1.2.3&amp;ISO" ParticipantObjectTypeCode="1">
    <ParticipantObjectIDTypeCode code="2"/>
    <ParticipantObjectName>should not be here</ParticipantObjectName>
  </ParticipantObjectIdentification>
  <ParticipantObjectIdentification ParticipantObjectID="1.2.3.4.5" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="20">
    <ParticipantObjectIDTypeCode code="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"/>
    <ParticipantObjectDetail type="note" value="plain text, not base64"/>
  </ParticipantObjectIdentification>
  <VendorExtension foo="bar"><Nested/></VendorExtension>
</AuditMessage>`;

describe("readDicomAuditMessage on messages of other implementations", () => {
  it("reads an ITI-43 repository export in the ITI TF-2 example style", () => {
    const m = read(ITI_43_REPOSITORY);
    expect(m.eventId).toEqual({ code: "110106", system: "DCM", display: "Export" });
    expect(m.transaction).toBe("ITI-43");
    expect(m.action).toBe("R");
    expect(m.occurredAt).toBe("2026-11-30T09:12:44Z");
    expect(m.outcome).toBe("success");
    expect(m.participants.map((p) => [p.userId, p.userIsRequestor, p.networkAccessPointTypeCode, p.roles[0]?.code])).toEqual([
      ["http://repo.example:8080/xds/repository", false, "1", "110153"],
      ["http://www.w3.org/2005/08/addressing/anonymous", true, "2", "110152"],
    ]);
    expect(m.participants[1]?.alternativeUserId).toBe("4711");
    expect(m.requestorIds).toEqual(["http://www.w3.org/2005/08/addressing/anonymous"]);
    expect(m.auditSources).toEqual([{ id: "REPO-1", enterpriseSiteId: "HOSPITAL-A", typeCodes: ["4"] }]);
    expect(m.patientIds).toEqual([]);
    expect(m.documents).toEqual([
      { uniqueId: "1.3.6.1.4.1.21367.2005.3.99.1.1010", repositoryUniqueId: "1.3.6.1.4.1.21367.2010.1.2.1000.102", homeCommunityId: "urn:oid:1.3.6.1.4.1.21367.2010.1.2.2045" },
      { uniqueId: "1.3.6.1.4.1.21367.2005.3.99.1.1011", repositoryUniqueId: "1.3.6.1.4.1.21367.2010.1.2.1000.102" },
    ]);
  });

  it("reads an IPF/dcm4chee-style ITI-18 query with a human requestor and a wrapped base64 query", () => {
    const m = read(ITI_18_CONSUMER);
    expect(m.transaction).toBe("ITI-18");
    expect(m.eventId.code).toBe("110112");
    expect(m.purposesOfUse).toEqual([{ code: "TREATMENT", system: "1.0.14265.1", display: "Treatment" }]);
    expect(m.requestorIds).toEqual(["dr.house<house@ppth.example>"]);
    expect(m.participants[1]).toMatchObject({ userName: "Gregory House", roles: [{ code: "158965000", system: "SNOMED-CT", display: "Medical Practitioner" }] });
    expect(m.patientIds).toEqual(["8273^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO"]);
    const query = m.objects.find((o) => o.typeCodeRole === "24");
    expect(query?.query).toBe("PHF1ZXJ5OkFkaG9jUXVlcnlSZXF1ZXN0Lz4=");
    expect(Buffer.from(query?.query ?? "", "base64").toString("utf8")).toBe("<query:AdhocQueryRequest/>");
    expect(query?.details).toEqual([{ type: "QueryEncoding", value: "UTF-8" }]);
  });

  it("reads an RFC 3881 legacy message: code attributes, 1/0 requestor flags, patient without role, unknown elements", () => {
    const m = read(RFC_3881_LEGACY);
    expect(m.eventId).toEqual({ code: "110107", system: "DCM", display: "Import" });
    expect(m.transaction).toBe("ITI-42");
    expect(m.occurredAt).toBe("2009-03-12T14:03:11");
    expect(m.requestorIds).toEqual(["http://repository.example/reply"]);
    expect(m.participants[1]?.userIsRequestor).toBe(false);
    expect(m.auditSources).toEqual([{ id: "LEGACY-REGISTRY", typeCodes: ["4"] }]);
    expect(m.patientIds).toEqual(["PID-77^^^&1.2.3&ISO"]);
    expect(m.objects[0]?.name).toBe("should not be here");
    expect(m.objects[1]?.details).toEqual([{ type: "note", value: "plain text, not base64" }]);
    expect(m.objects[1]?.idTypeCode).toEqual({ code: "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd", system: "", display: "" });
  });

  it("tolerates a namespaced message, missing optional parts, an unknown outcome and bytes with a BOM", () => {
    const xml =
      '<a:AuditMessage xmlns:a="urn:example:audit"><a:EventIdentification EventOutcomeIndicator="3"><a:EventID csd-code="110100" codeSystemName="DCM" originalText="Application Activity"/></a:EventIdentification>' +
      '<a:ActiveParticipant UserID="app"/><a:ActiveParticipant/><a:AuditSourceIdentification/></a:AuditMessage>';
    const m = read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, "utf8")]));
    expect(m.eventId.code).toBe("110100");
    expect(m.transaction).toBeUndefined();
    expect(m.outcomeIndicator).toBe("3");
    expect(m.outcome).toBeUndefined();
    expect(m.participants).toEqual([{ userId: "app", roles: [] }]);
    expect(m.auditSources).toEqual([]);
  });
});

describe("readDicomAuditMessage on what is not an audit message", () => {
  const codeOf = (input: string | Uint8Array) => {
    const result = readDicomAuditMessage(input);
    return result.ok ? "ok" : result.code;
  };

  it("answers a stable code and never throws", () => {
    expect(codeOf("this is not XML")).toBe("ATNA_AUDIT_NOT_XML");
    expect(codeOf("")).toBe("ATNA_AUDIT_NOT_XML");
    expect(codeOf("<AuditMessage><EventIdentification>")).toBe("ATNA_AUDIT_NOT_XML");
    expect(codeOf(new Uint8Array([0x3c, 0x61, 0xff, 0xfe, 0x3e]))).toBe("ATNA_AUDIT_NOT_XML");
    expect(codeOf("<Envelope><Body/></Envelope>")).toBe("ATNA_AUDIT_NOT_AUDIT_MESSAGE");
    expect(codeOf('<!DOCTYPE AuditMessage [<!ENTITY x SYSTEM "file:///etc/passwd">]><AuditMessage>&x;</AuditMessage>')).toBe("ATNA_AUDIT_DOCTYPE");
    expect(codeOf("<AuditMessage/>")).toBe("ATNA_AUDIT_NO_EVENT");
    expect(codeOf('<AuditMessage><EventIdentification><EventID codeSystemName="DCM"/></EventIdentification></AuditMessage>')).toBe("ATNA_AUDIT_NO_EVENT");
    expect(codeOf(`${"<a>".repeat(100)}${"</a>".repeat(100)}`)).toBe("ATNA_AUDIT_NOT_XML");
  });

  it("never throws, whatever the bytes or the mangling of a real message", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(typeof readDicomAuditMessage(bytes).ok).toBe("boolean");
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ITI_18_CONSUMER.length }), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const mangled = ITI_18_CONSUMER.slice(0, at) + insert + ITI_18_CONSUMER.slice(at + cut);
        expect(typeof readDicomAuditMessage(mangled).ok).toBe("boolean");
      }),
    );
  });
});
