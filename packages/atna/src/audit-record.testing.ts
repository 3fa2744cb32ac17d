import type { AuditRecord, AuditRole, AuditTransaction } from "./audit-record.js";

/** Roles that take part in each transaction (see `sideOf`), for tests that cover every pair. */
export const TRANSACTION_ROLES: Readonly<Record<AuditTransaction, readonly AuditRole[]>> = {
  "ITI-18": ["consumer", "registry", "source", "destination", "gateway"],
  "ITI-41": ["source", "repository", "destination", "gateway"],
  "ITI-42": ["repository", "registry", "source", "destination", "gateway"],
  "ITI-43": ["consumer", "repository", "source", "destination", "gateway"],
  "ITI-8": ["source", "registry", "destination", "gateway"],
  "ITI-40": ["gateway"],
};

export const QUERY_REQUEST_XML =
  '<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"><query:ResponseOption returnType="LeafClass"/></query:AdhocQueryRequest>';

/** A complete record of the transaction, with every part that transaction's audit message carries. */
export function sampleRecord(transaction: AuditTransaction, role: AuditRole, overrides: Partial<AuditRecord> = {}): AuditRecord {
  const base: AuditRecord = {
    eventId: "0b0c1f0e-4a8e-4c1e-9d3a-7f2b5c6d8e9f",
    occurredAt: "2026-12-05T13:45:12.345+01:00",
    transaction,
    role,
    outcome: "success",
    auditSource: { id: `opendsp-${role}`, enterpriseSiteId: "OpenDSP-Test", service: role },
    requestor: {
      kind: "professional",
      id: "10001234567",
      name: "Alice Martin",
      xuaUserName: "alice<10001234567@https://idp.example>",
      roles: ["urn:oid:1.2.250.1.213.1.1.4.6|10"],
      purposeOfUse: "urn:oid:2.16.840.1.113883.1.11.20448|TREAT",
      organizationId: "1.2.250.1.71.4.2.2",
    },
    client: { id: "http://consumer.example/reply", networkAddress: "10.1.2.3" },
    destination: { endpoint: "https://dsp.example/xds/registry", networkAddress: "dsp.example" },
    patientIds: ["123456^^^&1.2.250.1.213.1.4.8&ISO"],
    grant: { basis: "trust-circle", emergency: false },
  };
  const extra: Partial<AuditRecord> =
    transaction === "ITI-18"
      ? {
          query: {
            storedQueryId: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
            requestBase64: Buffer.from(QUERY_REQUEST_XML, "utf8").toString("base64"),
            homeCommunityId: "urn:oid:1.2.250.1.213.2.1",
          },
          messageId: "urn:uuid:7e3d0f5c-5a4c-4f69-8f0e-2c1b7c1e6f11",
        }
      : transaction === "ITI-41" || transaction === "ITI-42"
        ? {
            submissionSetUniqueId: "1.2.250.1.999.1.20261205.1",
            documents: [{ uniqueId: "1.2.250.1.999.2.1", repositoryUniqueId: "1.2.250.1.999.3" }],
          }
        : transaction === "ITI-43"
          ? {
              documents: [
                { uniqueId: "1.2.250.1.999.2.1", repositoryUniqueId: "1.2.250.1.999.3", homeCommunityId: "urn:oid:1.2.250.1.213.2.1" },
                { uniqueId: "1.2.250.1.999.2.2", repositoryUniqueId: "1.2.250.1.999.3" },
              ],
            }
          : transaction === "ITI-8"
            ? {
                client: { id: "PAS|HOSPITAL", networkAddress: "10.1.2.4" },
                destination: { endpoint: "OPENDSP|DSP", networkAddress: "dsp.example" },
                requestor: { kind: "system", id: "PAS|HOSPITAL" },
                messageId: "MSG00042",
                feedAction: "update",
              }
            : {
                outcome: "minor-failure",
                patientIds: [],
                failure: { code: "GW_XUA_EXPIRED", reason: "the assertion has expired" },
              };
  return { ...base, ...extra, ...overrides };
}
