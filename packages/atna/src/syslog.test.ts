import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtnaError } from "./atna-error.js";
import { sampleRecord } from "./audit-record.testing.js";
import { readDicomAuditMessage } from "./dicom-audit-message.reader.js";
import { toDicomAuditMessage } from "./dicom-audit-message.writer.js";
import { formatSyslogMessage, parseSyslogDatagram, parseSyslogMessage } from "./syslog.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AtnaError ? e.code : "not an AtnaError";
  }
  return undefined;
}

describe("formatSyslogMessage", () => {
  it("writes the RFC 5424 header ITI-20 uses, then the BOM and the UTF-8 MSG", () => {
    const bytes = formatSyslogMessage({
      severity: 5,
      timestamp: new Date("2026-12-05T13:45:12.345Z"),
      hostname: "dsp.example",
      appName: "opendsp-registry",
      procId: "4242",
      msgId: "IHE+RFC-3881",
      message: "<AuditMessage>é</AuditMessage>",
    });
    const header = "<85>1 2026-12-05T13:45:12.345Z dsp.example opendsp-registry 4242 IHE+RFC-3881 - ";
    expect(bytes.subarray(0, header.length).toString("ascii")).toBe(header);
    expect([...bytes.subarray(header.length, header.length + 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(header.length + 3).toString("utf8")).toBe("<AuditMessage>é</AuditMessage>");
  });

  it("writes NILVALUE for absent fields, escapes structured data, and omits the BOM of raw bytes", () => {
    const bytes = formatSyslogMessage({
      facility: 4,
      severity: 2,
      timestamp: "-",
      structuredData: [{ id: "origin@32473", params: [{ name: "note", value: 'a "quoted" \\ [x]' }] }],
      message: Buffer.from("raw"),
    });
    expect(bytes.toString("utf8")).toBe('<34>1 - - - - - [origin@32473 note="a \\"quoted\\" \\\\ [x\\]"] raw');
  });

  it("refuses header fields RFC 5424 does not allow", () => {
    const base = { severity: 5, timestamp: new Date(0), message: "x" };
    expect(codeOf(() => formatSyslogMessage({ ...base, hostname: "has space" }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, appName: "a".repeat(49) }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, msgId: "é" }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, severity: 8 }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, facility: 24 }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, timestamp: "yesterday" }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
    expect(codeOf(() => formatSyslogMessage({ ...base, structuredData: [{ id: "bad id", params: [] }] }))).toBe("ATNA_SYSLOG_INVALID_FIELD");
  });
});

describe("parseSyslogMessage", () => {
  it("round-trips an audit message: format, parse, then read the DICOM message back", () => {
    const xml = toDicomAuditMessage(sampleRecord("ITI-18", "registry"));
    const parsed = parseSyslogMessage(
      formatSyslogMessage({ severity: 5, timestamp: "2026-12-05T13:45:12.345+01:00", hostname: "dsp.example", appName: "opendsp", procId: "7", msgId: "IHE+RFC-3881", message: xml }),
    );
    expect(parsed).toMatchObject({
      facility: 10,
      severity: 5,
      version: 1,
      timestamp: "2026-12-05T13:45:12.345+01:00",
      hostname: "dsp.example",
      appName: "opendsp",
      procId: "7",
      msgId: "IHE+RFC-3881",
      structuredData: [],
      bom: true,
    });
    expect(parsed.message.toString("utf8")).toBe(xml);
    const read = readDicomAuditMessage(parsed.message);
    expect(read.ok && read.record.transaction).toBe("ITI-18");
  });

  it("round-trips structured data with escapes", () => {
    const structuredData = [
      { id: "exampleSDID@32473", params: [{ name: "iut", value: "3" }, { name: "eventSource", value: 'App "x" \\ ]' }] },
      { id: "meta", params: [] },
    ];
    const parsed = parseSyslogMessage(formatSyslogMessage({ severity: 5, timestamp: new Date(0), structuredData, message: "m" }));
    expect(parsed.structuredData).toEqual(structuredData);
    expect(parsed.message.toString()).toBe("m");
  });

  it("reads the variants real senders produce", () => {
    // No BOM (MSG-ANY), the usual ATNA form of several Java senders.
    const noBom = parseSyslogMessage("<85>1 2026-12-05T13:45:12Z host app 123 IHE+RFC-3881 - <AuditMessage/>");
    expect([noBom.bom, noBom.message.toString(), noBom.hostname]).toEqual([false, "<AuditMessage/>", "host"]);
    // Every field NILVALUE and no MSG at all.
    const nil = parseSyslogMessage("<13>1 - - - - - -");
    expect(nil).toEqual({ facility: 1, severity: 5, version: 1, structuredData: [], message: Buffer.alloc(0), bom: false });
    // Structured data present (RFC 5424 section 6.5 example 3), then a BOM-less message.
    const sd = parseSyslogMessage(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event',
    );
    expect(sd.procId).toBeUndefined();
    expect(sd.structuredData).toEqual([{ id: "exampleSDID@32473", params: [{ name: "iut", value: "3" }, { name: "eventSource", value: "Application" }, { name: "eventID", value: "1011" }] }]);
    expect(sd.message.toString()).toBe("An application event");
    // The SD field left out: the XML follows MSGID directly.
    const noSd = parseSyslogMessage("<85>1 2026-12-05T13:45:12+01:00 host app 9 IHE+RFC-3881 <?xml version=\"1.0\"?><AuditMessage/>");
    expect([noSd.structuredData, noSd.message.toString()]).toEqual([[], '<?xml version="1.0"?><AuditMessage/>']);
    // Structured data and nothing after it.
    expect(parseSyslogMessage('<85>1 - - - - - [a b="c"]').structuredData).toEqual([{ id: "a", params: [{ name: "b", value: "c" }] }]);
    // Legacy RFC 3164 header over UDP.
    const bsd = parseSyslogDatagram(Buffer.from("<85>Dec  5 13:45:12 oldhost auditd[311]: <AuditMessage/>"));
    expect(bsd).toMatchObject({ facility: 10, severity: 5, version: 0, timestamp: "Dec  5 13:45:12", hostname: "oldhost", appName: "auditd" });
    expect(bsd.message.toString()).toBe("<AuditMessage/>");
  });

  it("refuses a malformed header with ATNA_SYSLOG_MALFORMED", () => {
    for (const bad of [
      "",
      "no pri at all",
      "<>1 - - - - - -",
      "<192>1 - - - - - -",
      "<85>1 not-a-date host app 1 ID -",
      "<85>1 2026-12-05T13:45:12Z host",
      "<85>1  2026-12-05T13:45:12Z host app 1 ID -",
      "<85>1 - - - - - [unclosed",
      '<85>1 - - - - - [id p="unterminated]',
      "<85>1 - - - - - [id p=novalue]",
      "<85>1 - - - - - -junk",
      "<85>Yesterday host app: msg",
    ]) {
      expect(codeOf(() => parseSyslogMessage(bad)), bad).toBe("ATNA_SYSLOG_MALFORMED");
    }
  });

  it("either parses or throws ATNA_SYSLOG_MALFORMED, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 80 }).map((t) => Buffer.from(`<85>1 ${t}`))), (bytes) => {
        const code = codeOf(() => parseSyslogMessage(bytes));
        expect(code === undefined || code === "ATNA_SYSLOG_MALFORMED").toBe(true);
      }),
    );
  });
});
