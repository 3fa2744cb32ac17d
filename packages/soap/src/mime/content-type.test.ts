import { describe, expect, it } from "vitest";
import { formatContentType, parseContentType } from "./content-type.js";

describe("parseContentType", () => {
  it("parses the Axis2 header of http-mtom-pnr.txt (unquoted boundary, trailing blank)", () => {
    const ct = parseContentType(
      'multipart/related; boundary=MIMEBoundaryurn_uuid_3D4B161591CD1DEC0C1286850962202; type="application/xop+xml"; start="<0.urn:uuid:3D4B161591CD1DEC0C1286850962203@apache.org>"; start-info="application/soap+xml"; action="urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b" ',
    );
    expect(ct).toEqual({
      mediaType: "multipart/related",
      params: {
        boundary: "MIMEBoundaryurn_uuid_3D4B161591CD1DEC0C1286850962202",
        type: "application/xop+xml",
        start: "<0.urn:uuid:3D4B161591CD1DEC0C1286850962203@apache.org>",
        "start-info": "application/soap+xml",
        action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      },
    });
  });

  it("parses the PnrXop testplan header (quoted boundary, no start)", () => {
    const ct = parseContentType(
      'multipart/related; boundary="MIMEBoundary_95b57d7287e4fa4b528a8f050c41f8ad829c20332f23b48d"; type="application/xop+xml"; start-info="application/soap+xml"; action="urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b"',
    );
    expect(ct.params["boundary"]).toBe("MIMEBoundary_95b57d7287e4fa4b528a8f050c41f8ad829c20332f23b48d");
    expect(ct.params["start"]).toBeUndefined();
    expect(ct.params["action"]).toBe("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
  });

  it("parses root part headers of the samples, with and without trailing blanks", () => {
    for (const h of [
      'application/xop+xml; charset=UTF-8; type="application/soap+xml"',
      'application/xop+xml; charset=UTF-8; type="application/soap+xml" ',
    ]) {
      expect(parseContentType(h)).toEqual({
        mediaType: "application/xop+xml",
        params: { charset: "UTF-8", type: "application/soap+xml" },
      });
    }
    expect(parseContentType("text/plain ")).toEqual({ mediaType: "text/plain", params: {} });
  });

  it("parses node-soap's MTOM header with start-info=\"text/xml\"", () => {
    const ct = parseContentType(
      'multipart/related; type="application/xop+xml"; start="<http://tempuri.org/0>"; start-info="text/xml"; boundary="a1b2c3"',
    );
    expect(ct.params).toEqual({
      type: "application/xop+xml",
      start: "<http://tempuri.org/0>",
      "start-info": "text/xml",
      boundary: "a1b2c3",
    });
  });

  it("parses a simple SOAP 1.2 header", () => {
    expect(parseContentType('application/soap+xml; charset=UTF-8; action="urn:ihe:iti:2007:RegistryStoredQuery"')).toEqual({
      mediaType: "application/soap+xml",
      params: { charset: "UTF-8", action: "urn:ihe:iti:2007:RegistryStoredQuery" },
    });
  });

  it("is lenient with case, missing blanks, repeated or trailing semicolons and bare words", () => {
    const ct = parseContentType("Multipart/Related;BOUNDARY=abc;;  Type=application/xop+xml ; junk ;");
    expect(ct).toEqual({ mediaType: "multipart/related", params: { boundary: "abc", type: "application/xop+xml" } });
    expect(parseContentType("text/xml;charset=utf-8").params).toEqual({ charset: "utf-8" });
    expect(parseContentType("")).toEqual({ mediaType: "", params: {} });
  });

  it("handles backslash escapes, semicolons inside quotes and unterminated quotes", () => {
    const ct = parseContentType('a/b; x="say \\"hi\\"; ok"; y="c\\\\d"; z="open');
    expect(ct.params).toEqual({ x: 'say "hi"; ok', y: "c\\d", z: "open" });
  });

  it("keeps the first of repeated parameters", () => {
    expect(parseContentType("a/b; boundary=one; boundary=two").params["boundary"]).toBe("one");
  });

  it("unquotes WCF's nested action inside type", () => {
    const ct = parseContentType('application/xop+xml;charset=utf-8;type="application/soap+xml;action=\\"urn:x\\""');
    expect(ct.params["type"]).toBe('application/soap+xml;action="urn:x"');
    expect(parseContentType(ct.params["type"] ?? "").params["action"]).toBe("urn:x");
  });
});

describe("formatContentType", () => {
  it("quotes only values that are not tokens by default", () => {
    expect(formatContentType("application/xop+xml", { charset: "UTF-8", type: "application/soap+xml" })).toBe(
      'application/xop+xml; charset=UTF-8; type="application/soap+xml"',
    );
  });

  it("quotes everything on request, escapes quotes and backslashes, skips undefined, folds line breaks", () => {
    expect(formatContentType("a/b", { p: "x", q: 'say "\\"', r: undefined, s: "1\r\n2" }, { quote: "always" })).toBe(
      'a/b; p="x"; q="say \\"\\\\\\""; s="1 2"',
    );
  });

  it("round-trips through parseContentType", () => {
    const params = { boundary: "MIMEBoundary_1", start: "<a@b>", action: 'x;"y"\\z' };
    expect(parseContentType(formatContentType("multipart/related", params)).params).toEqual(params);
  });
});
