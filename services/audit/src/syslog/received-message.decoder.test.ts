import { formatSyslogMessage, toDicomAuditMessage } from "@opendsp/atna";
import { describe, expect, it } from "vitest";
import { decodeReceivedMessage } from "./received-message.decoder.js";
import { sampleAuditRecord } from "./syslog.testing.js";

const FROM = { transport: "tls" as const, peerAddress: "10.0.0.9", peerCertificateSubject: "CN=registry.test", receivedAt: new Date("2026-12-06T03:00:00Z") };
const syslog = (message: string | Uint8Array, bom?: boolean): Buffer =>
  formatSyslogMessage({ severity: 5, timestamp: "2026-12-06T03:00:00Z", hostname: "sender", appName: "app", msgId: "IHE+RFC-3881", message, ...(bom !== undefined && { bom }) });

describe("decoding an ITI-20 message", () => {
  it("reads the DICOM audit message into the searched fields", () => {
    const row = decodeReceivedMessage(syslog(toDicomAuditMessage(sampleAuditRecord(7))), FROM, 65_536);
    expect(row).toMatchObject({
      malformed: false,
      error_code: null,
      transport: "tls",
      peer_certificate_subject: "CN=registry.test",
      raw_encoding: "utf8",
      raw_truncated: false,
      event_id_code: "110106",
      event_action_code: "R",
      event_outcome_indicator: "0",
      source_id: "opendsp-repository",
      patient_ids: JSON.stringify(["1007^^^&1.2.250.1.213.1.4.8&ISO"]),
    });
    expect(row.event_datetime).toEqual(new Date("2026-12-05T12:45:12.345Z"));
    expect(JSON.parse(row.participant_user_ids)).toContain("10001234567");
    expect(JSON.parse(row.message as string)).toMatchObject({ transaction: "ITI-43" });
  });

  it("keeps what it cannot read, with the code that says why", () => {
    expect(decodeReceivedMessage(Buffer.from("hello"), FROM, 100)).toMatchObject({ malformed: true, error_code: "ATNA_SYSLOG_MALFORMED", raw_text: "hello", raw_encoding: "utf8" });
    expect(decodeReceivedMessage(syslog("<NotAudit/>"), FROM, 1000)).toMatchObject({ malformed: true, error_code: "ATNA_AUDIT_NOT_AUDIT_MESSAGE" });
    const latin1 = syslog(Buffer.from("<AuditMessage>caf\xe9</AuditMessage>", "latin1"), true);
    expect(decodeReceivedMessage(latin1, FROM, 1000)).toMatchObject({ malformed: true, error_code: "AUDIT_SYSLOG_MSG_NOT_UTF8", raw_encoding: "base64", raw_text: latin1.toString("base64") });
    const withNul = Buffer.from("<13>1 - - - - - -\u0000", "utf8");
    expect(decodeReceivedMessage(withNul, FROM, 1000)).toMatchObject({ raw_encoding: "base64" });
    expect(decodeReceivedMessage(Buffer.alloc(50, 0x41), FROM, 10)).toMatchObject({ raw_text: "AAAAAAAAAA", raw_bytes: 50, raw_truncated: true });
  });
});
