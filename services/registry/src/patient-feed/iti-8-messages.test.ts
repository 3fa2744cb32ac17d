import { describe, expect, it } from "vitest";
import { IHERED_CODES, adtA01, adtA04, adtA08, adtA40, domainId, hl7 } from "./adt-message.fixtures.js";
import { parseAdtMessage, type AdtMessage, type Hl7Header } from "./adt-message.parser.js";
import { isDomainPatientId, selectDomainPatientId, toXdsPatientId } from "./affinity-patient-id.rules.js";
import { HL7_ERROR, feedError } from "./feed-result.types.js";
import { buildAck, escapeHl7, hl7Timestamp } from "./hl7-ack.builder.js";
import { decodeHl7 } from "./hl7-charset.js";
import { toFeedCommand } from "./iti-8-feed.command.js";

const NOW = new Date(Date.UTC(2026, 10, 22, 12, 0, 5));

function parsed(text: string): AdtMessage {
  const result = parseAdtMessage(text);
  if (!result.ok) throw new Error(`expected a parsed message, got ${result.error.text}`);
  return result.message;
}

function segments(ack: string): string[][] {
  return ack.split("\r").map((s) => s.split("|"));
}

describe("parseAdtMessage (ITI TF-2a 3.8.4.1.2)", () => {
  it("reads the MSH of an A04 in v2.3.1 and both PID-3 repetitions", () => {
    const m = parsed(adtA04("MSG0001"));
    expect(m.kind).toBe("identity");
    expect(m.header).toMatchObject({
      sendingApplication: "PAT_IDENTITY_X_REF_MGR_MISYS",
      sendingFacility: "ALLSCRIPTS",
      receivingApplication: "XDSb_REG",
      receivingFacility: "OPENDSP",
      messageType: "ADT",
      triggerEvent: "A04",
      controlId: "MSG0001",
      processingId: "P",
      version: "2.3.1",
    });
    if (m.kind !== "identity") throw new Error("identity expected");
    expect(m.trigger).toBe("A04");
    expect(m.patient.patientIdentifierList).toEqual([
      { id: "PATID1234", assigningAuthority: ["", "1.3.6.1.4.1.21367.13.20.1000", "ISO"] },
      { id: "X77", assigningAuthority: ["", "9.9.9", "ISO"] },
    ]);
  });

  it.each([
    ["A01", adtA01("C1")],
    ["A04", adtA04("C2")],
    ["A08", adtA08("C3")],
    ["A05", adtA04("C4").replace("ADT^A04^ADT_A01", "ADT^A05^ADT_A05")],
  ])("accepts ADT^%s", (trigger, text) => {
    const m = parsed(text);
    expect(m.kind === "identity" && m.trigger).toBe(trigger);
  });

  it("reads an A40: PID-3 surviving, MRG-1 subsumed", () => {
    const m = parsed(adtA40("MSG0040"));
    if (m.kind !== "merge") throw new Error("merge expected");
    expect(m.merges).toHaveLength(1);
    expect(m.merges[0]?.patientIdentifierList[0]?.id).toBe("PATID1234");
    expect(m.merges[0]?.priorPatientIdentifierList.map((cx) => cx.id)).toEqual(["PATID9999", "X78"]);
  });

  it("reads every PID/MRG pair of an A40 (ADT_A39 patient group repeats)", () => {
    const text = hl7(
      "MSH|^~\\&|PIX|HOSP|XDSb_REG|OPENDSP|20261122||ADT^A40^ADT_A39|M2|P|2.5",
      "EVN|A40|20261122",
      `PID|||${domainId("S1")}`,
      `MRG|${domainId("O1")}`,
      `PID|||${domainId("S2")}`,
      "PD1|||CHL",
      `MRG|${domainId("O2")}`,
    );
    const command = toFeedCommand(parsed(text), IHERED_CODES);
    expect(command).toEqual({
      ok: true,
      command: {
        kind: "merge",
        merges: [
          { survivingId: domainId("S1"), subsumedId: domainId("O1") },
          { survivingId: domainId("S2"), subsumedId: domainId("O2") },
        ],
      },
    });
  });

  it("takes the trigger from EVN-1 when MSH-9 has none (older v2.3.1 senders), accepts LF segment ends", () => {
    const text = adtA08("C9").replace("ADT^A08^ADT_A01", "ADT").replaceAll("\r", "\n");
    const m = parsed(text);
    expect(m.header.triggerEvent).toBe("A08");
  });

  it("uses the delimiters the message declares", () => {
    const text = hl7("MSH#*!\\%#PIX#HOSP#XDSb_REG#OPENDSP#20261122##ADT*A04*ADT_A01#C10#P#2.5", "PID###P77***%1.3.6.1.4.1.21367.13.20.1000%ISO");
    const m = parsed(text);
    expect(m.header.delimiters).toEqual({ field: "#", component: "*", repetition: "!", escape: "\\", subcomponent: "%" });
    expect(toFeedCommand(m, IHERED_CODES)).toEqual({ ok: true, command: { kind: "identity", trigger: "A04", patientId: domainId("P77") } });
    const ack = buildAck({ header: m.header, ackCode: "AA", now: NOW, controlId: "ACK1" });
    expect(ack).toBe("MSH#*!\\%#XDSb_REG#OPENDSP#PIX#HOSP#20261122120005+0000##ACK*A04*ACK#ACK1#P#2.5\rMSA#AA#C10");
  });

  it.each([
    ["garbage", "hello, this is not HL7", "AR", "100"],
    ["no MSH first", hl7("PID|||X^^^&1.2.3&ISO", "MSH|^~\\&|A|B"), "AR", "100"],
    ["an empty MSH-10", adtA04("").replace("|P|2.3.1", "|P|2.3.1"), "AR", "101"],
    ["an unsupported message type", adtA04("C20").replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01"), "AR", "200"],
    ["an unsupported trigger event (A03 discharge)", adtA04("C21").replace("ADT^A04^ADT_A01", "ADT^A03^ADT_A03"), "AR", "201"],
    ["an unsupported version", adtA04("C22", undefined, "2.2"), "AR", "203"],
    ["an unknown processing id", adtA04("C23").replace("|C23|P|", "|C23|X|"), "AR", "202"],
    ["an ADT without PID", hl7("MSH|^~\\&|PIX|HOSP|XDSb_REG|OPENDSP|20261122||ADT^A04^ADT_A01|C24|P|2.5", "EVN||20261122"), "AE", "100"],
    ["an A40 without MRG", hl7("MSH|^~\\&|PIX|HOSP|XDSb_REG|OPENDSP|20261122||ADT^A40^ADT_A39|C25|P|2.5", `PID|||${domainId("S1")}`), "AE", "100"],
  ])("refuses %s", (_what, text, ackCode, code) => {
    const result = parseAdtMessage(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.ackCode).toBe(ackCode);
    expect(result.error.condition.code).toBe(code);
  });

  it("keeps the header of a refused message so the ACK can echo MSH-10", () => {
    const result = parseAdtMessage(adtA04("C30").replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01"));
    expect(!result.ok && result.header?.controlId).toBe("C30");
  });
});

describe("the affinity domain's identifier (ITI TF-2a 3.8.4.1.3)", () => {
  it("picks the repetition of the domain's assigning authority, wherever it is", () => {
    const m = parsed(adtA04("C40", `X77^^^&9.9.9&ISO~PATID1234^^^IHERED&1.3.6.1.4.1.21367.13.20.1000&ISO^PI`));
    expect(toFeedCommand(m, IHERED_CODES)).toEqual({ ok: true, command: { kind: "identity", trigger: "A04", patientId: domainId("PATID1234") } });
  });

  it("in an open domain takes the first well-formed CX with an ISO OID authority", () => {
    const m = parsed(adtA04("C41", `LOCAL1^^^HOSP~X77^^^&9.9.9&ISO~PATID1234^^^${"&1.3.6.1.4.1.21367.13.20.1000&ISO"}`));
    expect(toFeedCommand(m, undefined)).toEqual({ ok: true, command: { kind: "identity", trigger: "A04", patientId: "X77^^^&9.9.9&ISO" } });
  });

  it("answers AE 204 when PID-3 holds no id of the domain", () => {
    const m = parsed(adtA04("C42", "X77^^^&9.9.9&ISO~LOCAL1^^^HOSP"));
    expect(toFeedCommand(m, IHERED_CODES)).toMatchObject({
      ok: false,
      error: { ackCode: "AE", condition: HL7_ERROR.unknownKeyIdentifier, location: { segment: "PID", sequence: 1, field: 3 } },
    });
  });

  it("answers AE 204 on MRG-1 when the subsumed id is not of the domain", () => {
    const m = parsed(adtA40("C43", domainId("S1"), "X78^^^&9.9.9&ISO"));
    const command = toFeedCommand(m, IHERED_CODES);
    expect(!command.ok && command.error.location).toEqual({ segment: "MRG", sequence: 1, field: 1 });
  });

  it.each([
    ["PATID1234", ["", "1.3.6.1.4.1.21367.13.20.1000", "ISO"], domainId("PATID1234")],
    ["PATID1234", ["IHERED", "1.3.6.1.4.1.21367.13.20.1000", "iso"], domainId("PATID1234")],
    ["PATID1234", ["IHERED"], undefined],
    ["PATID1234", ["", "not-an-oid", "ISO"], undefined],
    ["PATID1234", ["", "1.3.6.1.4.1.21367.13.20.1000", "DNS"], undefined],
    ["PAT\\T\\1", ["", "1.2.3", "ISO"], undefined],
    ["", ["", "1.2.3", "ISO"], undefined],
  ])("toXdsPatientId(%s, %j) = %s", (id, authority, expected) => {
    expect(toXdsPatientId({ id, assigningAuthority: authority }, "\\")).toBe(expected);
  });

  it("isDomainPatientId checks the form and the authority", () => {
    expect(isDomainPatientId(domainId("P1"), IHERED_CODES)).toBe(true);
    expect(isDomainPatientId("P1^^^&9.9.9&ISO", IHERED_CODES)).toBe(false);
    expect(isDomainPatientId("P1^^^&9.9.9&ISO", undefined)).toBe(true);
    expect(isDomainPatientId("P1^^^HOSP", undefined)).toBe(false);
    expect(selectDomainPatientId([], IHERED_CODES, "\\")).toBeUndefined();
  });
});

describe("buildAck (HL7 v2.3.1 ch. 2.13.1, ITI TF-2a 3.8.4.2)", () => {
  const header = (version: string): Hl7Header => parsed(adtA04("MSG0001", undefined, version)).header;

  it("AA: addressed back to the sender, MSH-9 ACK^A04^ACK, MSA-2 the request's MSH-10", () => {
    const ack = buildAck({ header: header("2.3.1"), ackCode: "AA", now: NOW, controlId: "a1b2" });
    expect(ack).toBe(
      "MSH|^~\\&|XDSb_REG|OPENDSP|PAT_IDENTITY_X_REF_MGR_MISYS|ALLSCRIPTS|20261122120005+0000||ACK^A04^ACK|a1b2|P|2.3.1\rMSA|AA|MSG0001",
    );
  });

  it("AE in v2.3.1: MSA-3 text and ERR-1 segment^sequence^field^code&text&HL70357", () => {
    const error = feedError("AE", HL7_ERROR.unknownKeyIdentifier, "PID-3 holds no identifier of this affinity domain", { segment: "PID", sequence: 1, field: 3 });
    const [msh, msa, err] = segments(buildAck({ header: header("2.3.1"), ackCode: "AE", error, now: NOW, controlId: "a1" }));
    expect(msh?.[8]).toBe("ACK^A04^ACK");
    expect(msa).toEqual(["MSA", "AE", "MSG0001", "PID-3 holds no identifier of this affinity domain"]);
    expect(err).toEqual(["ERR", "PID^1^3^204&Unknown key identifier&HL70357"]);
  });

  it("AE in v2.5: ERR-2 location, ERR-3 code, ERR-4 severity, ERR-8 message", () => {
    const error = feedError("AE", HL7_ERROR.unknownKeyIdentifier, "The MRG-1 id is not known", { segment: "MRG", sequence: 1, field: 1 });
    const [msh, , err] = segments(buildAck({ header: header("2.5"), ackCode: "AE", error, now: NOW, controlId: "a1" }));
    expect(msh?.[11]).toBe("2.5");
    expect(err).toEqual(["ERR", "", "MRG^1^1", "204^Unknown key identifier^HL70357", "E", "", "", "", "The MRG-1 id is not known"]);
  });

  it("AR to an unparseable message: our own MSH, v2.3.1, empty MSA-2", () => {
    const error = feedError("AR", HL7_ERROR.segmentSequenceError, "The message does not start with an MSH segment");
    const [msh, msa, err] = segments(buildAck({ header: undefined, ackCode: "AR", error, now: NOW, controlId: "a1" }));
    expect(msh).toEqual(["MSH", "^~\\&", "OPENDSP_XDS_REGISTRY", "", "", "", "20261122120005+0000", "", "ACK", "a1", "P", "2.3.1"]);
    expect(msa?.slice(0, 3)).toEqual(["MSA", "AR", ""]);
    expect(err?.[1]).toBe("^^^100&Segment sequence error&HL70357");
  });

  it("escapes delimiters in texts", () => {
    expect(escapeHl7("a|b^c&d~e\\f\rg", { field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&" })).toBe(
      "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f g",
    );
    expect(hl7Timestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("20260102030405+0000");
  });
});

describe("decodeHl7 (MSH-18)", () => {
  it("reads ISO 8859-1 when MSH-18 says so, UTF-8 otherwise", () => {
    const text = "MSH|^~\\&|A|B|C|D|20261122||ADT^A04|C1|P|2.5||||||8859/1\rPID|||X||Müller";
    expect(decodeHl7(Buffer.from(text, "latin1")).text).toBe(text);
    const utf8 = text.replace("8859/1", "UNICODE UTF-8");
    expect(decodeHl7(Buffer.from(utf8, "utf8"))).toEqual({ text: utf8, charset: "utf8" });
  });
});
