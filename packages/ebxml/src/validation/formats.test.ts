import { describe, it, expect } from "vitest";
import {
  isCxPatientId,
  isDocumentUniqueId,
  isDtm,
  isHomeCommunityId,
  isLanguageCode,
  isMimeType,
  isOid,
  isSha1Hex,
  isSize,
  isUuidUrn,
  isXcn,
  isXon,
} from "./formats.js";

describe("isOid (ITI TF-3 4.2.3.1.6)", () => {
  it.each(["1.2.3", "0", "2.16.840.1.113883.6.1", "1.42.20120601170229.61", "1.0.3", "3670984664", "1." + "1.".repeat(30) + "12"])(
    "accepts %s",
    (v) => expect(isOid(v)).toBe(true),
  );
  it.each(["", "1..2", ".1.2", "1.2.", "1.02.3", "01.2", "1.2.a", "1,2,3", " 1.2", "urn:oid:1.2.3", "1." + "2".repeat(63)])(
    "refuses %j",
    (v) => expect(isOid(v)).toBe(false),
  );
});

describe("isDocumentUniqueId (ITI TF-3 4.2.3.2.26)", () => {
  it.each(["1.2.3.4", "1.2.3^abc", "2.16.840.1.113883.19^1234567890123456"])("accepts %s", (v) => {
    expect(isDocumentUniqueId(v)).toBe(true);
  });
  it.each(["", "1.2.3^", "^abc", "abc", "1.2.3^12345678901234567", "1.2.3^a^b", "1.02.3^x"])("refuses %j", (v) => {
    expect(isDocumentUniqueId(v)).toBe(false);
  });
});

describe("isDtm (ITI TF-3 Table 4.2.3.1.7-2)", () => {
  it.each([
    ["YYYY", "2004"],
    ["YYYYMM", "200412"],
    ["YYYYMMDD", "20041224"],
    ["YYYYMMDDhh", "2004122408"],
    ["YYYYMMDDhhmm", "200412240800"],
    ["YYYYMMDDhhmmss", "20041224080059"],
    ["leap day", "20000229"],
    ["leap day 2024", "20240229"],
    ["midnight", "20041231000000"],
    ["last second", "20041231235959"],
  ])("accepts %s (%s)", (_label, v) => expect(isDtm(v)).toBe(true));
  it.each([
    ["month 00", "200400"],
    ["month 13", "200413"],
    ["day 00", "20041200"],
    ["day 32", "20041232"],
    ["April 31", "20040431"],
    ["Feb 29 of a common year", "20050229"],
    ["Feb 29 of 1900", "19000229"],
    ["hour 24", "2004122424"],
    ["minute 60", "200412240860"],
    ["second 60", "20041224080060"],
    ["odd length", "2004122"],
    ["too short", "200"],
    ["too long", "200412240800001"],
    ["fraction", "20041224080000.5"],
    ["time zone", "20041224080000+0100"],
    ["ISO 8601", "2004-12-24"],
    ["empty", ""],
  ])("refuses %s (%j)", (_label, v) => expect(isDtm(v)).toBe(false));
});

describe("isSha1Hex and isSize (ITI TF-3 4.2.3.2.10, 4.2.3.2.24)", () => {
  it("accepts 40 hex characters in either case", () => {
    expect(isSha1Hex("fbe2351a6a8ceba1a04ba3f832a12a53befeb04c")).toBe(true);
    expect(isSha1Hex("FBE2351A6A8CEBA1A04BA3F832A12A53BEFEB04C")).toBe(true);
  });
  it.each(["", "fbe2351a", "fbe2351a6a8ceba1a04ba3f832a12a53befeb04cc", "gbe2351a6a8ceba1a04ba3f832a12a53befeb04c"])("refuses hash %j", (v) => {
    expect(isSha1Hex(v)).toBe(false);
  });
  it.each(["0", "36", "1234567890123"])("accepts size %s", (v) => expect(isSize(v)).toBe(true));
  it.each(["", "-1", "1.5", "036", "1e3", " 36"])("refuses size %j", (v) => expect(isSize(v)).toBe(false));
});

describe("isCxPatientId (ITI TF-3 Table 4.2.3.1.7-2, CX)", () => {
  it.each(["test1234_1^^^&1.2.3.45.4.3.2.1&ISO", "76cc765a442f410^^^&1.3.6.1.4.1.21367.2005.3.7&ISO", "89765a87b^^^&3.4.5&ISO"])(
    "accepts %s",
    (v) => expect(isCxPatientId(v)).toBe(true),
  );
  it.each([
    ["no id", "^^^&1.2.3&ISO"],
    ["component 2 set", "123^x^^&1.2.3&ISO"],
    ["component 3 set", "123^^x^&1.2.3&ISO"],
    ["namespace id set", "123^^^NS&1.2.3&ISO"],
    ["type not ISO", "123^^^&1.2.3&L"],
    ["authority not an OID", "123^^^&abc&ISO"],
    ["authority missing", "123"],
    ["extra component", "123^^^&1.2.3&ISO^PI"],
    ["fourth subcomponent", "123^^^&1.2.3&ISO&x"],
    ["placeholder", "$patientid$"],
  ])("refuses %s (%j)", (_label, v) => expect(isCxPatientId(v)).toBe(false));
});

describe("isXcn and isXon (loose author checks)", () => {
  it.each(["^Smitty^Gerald^^^", "pro111^Smitty^Gerald^^^^^^&1.2.3&ISO", "12345^^^^^^^^&1.2.3&ISO"])("isXcn accepts %s", (v) => {
    expect(isXcn(v)).toBe(true);
  });
  it.each(["", "Gerald Smitty", "12345^^^^^^^^&abc&ISO", "^^Gerald"])("isXcn refuses %j", (v) => expect(isXcn(v)).toBe(false));
  it.each(["Cleveland Clinic", "Some Hospital^^^^^^^^^1.2.3.4.5.6.7.8.9.1789.45", "Hospital^^^^^&1.2.3&ISO^^^^45"])("isXon accepts %s", (v) => {
    expect(isXon(v)).toBe(true);
  });
  it.each(["", "^^^^^^^^^1.2.3", "Hospital^^^^^^^^^ABC-45"])("isXon refuses %j", (v) => expect(isXon(v)).toBe(false));
});

describe("isUuidUrn, isMimeType, isLanguageCode, isHomeCommunityId", () => {
  it("checks UUID URNs (RFC 4122 text form)", () => {
    expect(isUuidUrn("urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1")).toBe(true);
    expect(isUuidUrn("urn:uuid:7EDCA82F-054D-47F2-A032-9B2A5B5186C1")).toBe(true);
    expect(isUuidUrn("urn:uuid:58a6f841-87b3-4a3e-92fd- a8ffeff98427")).toBe(false);
    expect(isUuidUrn("7edca82f-054d-47f2-a032-9b2a5b5186c1")).toBe(false);
    expect(isUuidUrn("urn:uuid:7edca82f054d47f2a0329b2a5b5186c1")).toBe(false);
    expect(isUuidUrn("Document01")).toBe(false);
  });
  it.each(["text/xml", "application/pdf", "text/plain; charset=UTF-8", "application/hl7-v3+xml"])("isMimeType accepts %s", (v) => {
    expect(isMimeType(v)).toBe(true);
  });
  it.each(["", "text", "text/", "/xml", "text/x ml"])("isMimeType refuses %j", (v) => expect(isMimeType(v)).toBe(false));
  it.each(["en", "en-us", "de-CH", "zh-Hant-TW", "es-419"])("isLanguageCode accepts %s", (v) => expect(isLanguageCode(v)).toBe(true));
  it.each(["", "en_US", "-en", "en-", "e n", "123"])("isLanguageCode refuses %j", (v) => expect(isLanguageCode(v)).toBe(false));
  it("checks homeCommunityId as urn:oid:", () => {
    expect(isHomeCommunityId("urn:oid:1.2.3.4")).toBe(true);
    expect(isHomeCommunityId("1.2.3.4")).toBe(false);
    expect(isHomeCommunityId("urn:oid:")).toBe(false);
    expect(isHomeCommunityId("urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1")).toBe(false);
  });
});
