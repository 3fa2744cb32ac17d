import { describe, expect, it } from "vitest";
import { encodeGrantHeader, parseGrantHeader } from "./grant.header.js";

describe("X-OpenDSP-Grant header", () => {
  it("round-trips a grant and is absent when no header was sent", () => {
    const grant = { basis: "presence-grant", emergency: false } as const;
    expect(parseGrantHeader(encodeGrantHeader(grant))).toEqual(grant);
    expect(parseGrantHeader(undefined)).toBeUndefined();
    expect(parseGrantHeader("")).toBeUndefined();
  });

  it("refuses an unknown basis, extra fields, a list of values and non-base64url text", () => {
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    expect(() => parseGrantHeader(encode({ basis: "friend", emergency: false }))).toThrow(/not a grant/);
    expect(() => parseGrantHeader(encode({ basis: "patient", emergency: false, extra: 1 }))).toThrow(/not a grant/);
    expect(() => parseGrantHeader([encode({ basis: "patient", emergency: false })])).toThrow(/one base64url/);
    expect(() => parseGrantHeader("not base64!")).toThrow(/one base64url/);
  });
});
