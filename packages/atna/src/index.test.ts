import { describe, expect, it } from "vitest";
import * as atna from "./index.js";

describe("@opendsp/atna entry", () => {
  it("exports the record, the message writers and readers and the syslog functions", () => {
    for (const name of [
      "parseAuditRecord",
      "toDicomAuditMessage",
      "readDicomAuditMessage",
      "toFhirAuditEvent",
      "formatSyslogMessage",
      "parseSyslogMessage",
      "parseSyslogDatagram",
      "createOctetCountingFramer",
      "frameOctetCounted",
    ] as const) {
      expect(typeof atna[name]).toBe("function");
    }
    expect(atna.parseSyslogDatagram).toBe(atna.parseSyslogMessage);
  });
});
