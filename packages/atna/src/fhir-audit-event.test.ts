import { describe, expect, it } from "vitest";
import { sampleRecord } from "./audit-record.testing.js";
import { toFhirAuditEvent } from "./fhir-audit-event.js";

const DCM = "http://dicom.nema.org/resources/ontology/DCM";

describe("toFhirAuditEvent", () => {
  it("maps an ITI-18 query: type, subtype, action, outcome, agents, source and entities", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-18", "registry"));
    expect(event.resourceType).toBe("AuditEvent");
    expect(event.id).toBe("0b0c1f0e-4a8e-4c1e-9d3a-7f2b5c6d8e9f");
    expect(event.type).toEqual({ system: DCM, code: "110112", display: "Query" });
    expect(event.subtype).toEqual([{ system: "urn:ihe:event-type-code", code: "ITI-18", display: "Registry Stored Query" }]);
    expect(event.action).toBe("E");
    expect(event.recorded).toBe("2026-12-05T13:45:12.345+01:00");
    expect(event.outcome).toBe("0");
    expect(event.outcomeDesc).toBeUndefined();
    expect(event.purposeOfEvent).toEqual([{ coding: [{ system: "urn:oid:2.16.840.1.113883.1.11.20448", code: "TREAT" }] }]);
    expect(event.agent).toEqual([
      {
        type: { coding: [{ system: DCM, code: "110153", display: "Source Role ID" }] },
        who: { identifier: { value: "http://consumer.example/reply" } },
        requestor: false,
        network: { address: "10.1.2.3", type: "2" },
      },
      {
        type: { coding: [{ system: DCM, code: "110152", display: "Destination Role ID" }] },
        who: { identifier: { value: "https://dsp.example/xds/registry" } },
        requestor: false,
        network: { address: "dsp.example", type: "1" },
      },
      {
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/extra-security-role-type", code: "humanuser", display: "human user" }] },
        role: [{ coding: [{ system: "urn:oid:1.2.250.1.213.1.1.4.6", code: "10" }] }],
        who: { identifier: { value: "10001234567" }, display: "Alice Martin" },
        altId: "alice<10001234567@https://idp.example>",
        requestor: true,
        name: "Alice Martin",
        policy: ["urn:opendsp:access-grant:trust-circle"],
      },
    ]);
    expect(event.source).toEqual({
      site: "OpenDSP-Test",
      observer: { display: "opendsp-registry" },
      type: [{ system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4", display: "Application Server" }],
    });
    expect(event.entity).toEqual([
      {
        what: { identifier: { value: "123456^^^&1.2.250.1.213.1.4.8&ISO" } },
        type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "1", display: "Person" },
        role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient" },
      },
      {
        what: { identifier: { value: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d" } },
        type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object" },
        role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "24", display: "Query" },
        query: sampleRecord("ITI-18", "registry").query?.requestBase64,
        detail: [
          { type: "QueryEncoding", valueString: "UTF-8" },
          { type: "urn:ihe:iti:xca:2010:homeCommunityId", valueString: "urn:oid:1.2.250.1.213.2.1" },
        ],
      },
    ]);
  });

  it("maps ITI-43 documents as reports, with the repository agent as source, and an emergency access as policy", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-43", "repository", { grant: { basis: "emergency", emergency: true } }));
    expect(event.type.code).toBe("110106");
    expect(event.action).toBe("R");
    expect(event.agent.map((a) => [a.who.identifier.value, a.type.coding[0]?.code, a.requestor])).toEqual([
      ["http://consumer.example/reply", "110152", false],
      ["https://dsp.example/xds/registry", "110153", false],
      ["10001234567", "humanuser", true],
    ]);
    expect(event.agent[2]?.policy).toEqual(["urn:opendsp:access-grant:emergency", "urn:opendsp:access-grant:emergency-access"]);
    expect(event.entity.filter((e) => e.role.code === "3")).toEqual([
      {
        what: { identifier: { value: "1.2.250.1.999.2.1" } },
        type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object" },
        role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "3", display: "Report" },
        detail: [
          { type: "Repository Unique Id", valueString: "1.2.250.1.999.3" },
          { type: "ihe:homeCommunityID", valueString: "urn:oid:1.2.250.1.213.2.1" },
        ],
      },
      {
        what: { identifier: { value: "1.2.250.1.999.2.2" } },
        type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object" },
        role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "3", display: "Report" },
        detail: [{ type: "Repository Unique Id", valueString: "1.2.250.1.999.3" }],
      },
    ]);
  });

  it("maps an ITI-41 submission set as a job and a system requestor as the requesting source agent", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-41", "repository", { requestor: { kind: "system", id: "CN=lab.example" } }));
    expect([event.type.code, event.action, event.subtype[0]?.code]).toEqual(["110107", "C", "ITI-41"]);
    expect(event.agent).toHaveLength(2);
    expect(event.agent[0]).toMatchObject({ requestor: true, policy: ["urn:opendsp:access-grant:trust-circle"] });
    expect(event.entity.find((e) => e.role.code === "20")?.what.identifier).toEqual({
      value: "1.2.250.1.999.1.20261205.1",
      system: "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd",
    });
  });

  it("maps an ITI-40 refusal with its DICOM login subtype and the failure as outcomeDesc", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-40", "gateway"));
    expect(event.type).toEqual({ system: DCM, code: "110114", display: "User Authentication" });
    expect(event.subtype).toEqual([{ system: DCM, code: "110122", display: "Login" }]);
    expect(event.outcome).toBe("4");
    expect(event.outcomeDesc).toBe("GW_XUA_EXPIRED: the assertion has expired");
    expect(event.entity).toEqual([]);
  });

  it("maps ITI-8 with the HL7 message control id on the patient and a bare local role", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-8", "registry"));
    expect([event.type.code, event.action]).toEqual(["110110", "U"]);
    expect(event.entity[0]?.detail).toEqual([{ type: "MSH-10", valueString: "MSG00042" }]);
    const professional = toFhirAuditEvent(sampleRecord("ITI-18", "consumer", { requestor: { kind: "professional", id: "bob", roles: ["doctor"] } }));
    expect(professional.agent.at(-1)?.role).toEqual([{ coding: [{ system: "urn:opendsp:code-system:local", code: "doctor" }] }]);
    expect(professional.purposeOfEvent).toBeUndefined();
  });

  it("is plain JSON", () => {
    const event = toFhirAuditEvent(sampleRecord("ITI-43", "consumer"));
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });
});
