import { describe, expect, it } from "vitest";
import { parseXml } from "./parse-xml.js";
import { XmlError } from "./xml-error.js";
import { attribute, childElements, firstChild, textContent } from "./xml-node.js";

function errorOf(f: () => unknown): XmlError {
  try {
    f();
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw new Error(`expected an XmlError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected an XmlError, nothing was thrown");
}

describe("parseXml", () => {
  it("resolves namespaces whatever the prefixes, including default namespaces", () => {
    const a = parseXml('<a:Root xmlns:a="urn:x" xmlns:b="urn:y"><b:Child b:attr="1" plain="2">t</b:Child></a:Root>');
    const b = parseXml('<Root xmlns="urn:x"><Child xmlns="urn:y" xmlns:q="urn:y" q:attr="1" plain="2">t</Child></Root>');
    for (const root of [a, b]) {
      expect(root.ns).toBe("urn:x");
      expect(root.local).toBe("Root");
      const child = firstChild(root, "urn:y", "Child");
      expect(child).toBeDefined();
      if (!child) return;
      expect(attribute(child, "attr", "urn:y")).toBe("1");
      expect(attribute(child, "plain")).toBe("2");
      expect(textContent(child)).toBe("t");
    }
  });

  it("keeps xmlns declarations out of the attributes", () => {
    const root = parseXml('<r xmlns="urn:x" xmlns:p="urn:p" a="1"/>');
    expect(root.attrs).toEqual([{ ns: "", local: "a", value: "1" }]);
  });

  it("decodes predefined entities, character references and CDATA", () => {
    const root = parseXml("<r>&lt;a&gt; &amp; &#233;&#x20AC;<![CDATA[<raw & data>]]></r>");
    expect(textContent(root)).toBe("<a> & é€<raw & data>");
  });

  it("reads UTF-8 bytes with and without a byte order mark, and a declared ISO-8859-1", () => {
    const utf8 = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><r>Müller</r>', "utf8");
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>Müller</r>', "latin1");
    for (const bytes of [utf8, bom, latin1]) expect(textContent(parseXml(bytes))).toBe("Müller");
  });

  it("refuses bytes that are not the declared encoding", () => {
    expect(errorOf(() => parseXml(Buffer.from([0x3c, 0x72, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x72, 0x3e]))).code).toBe("XML_ENCODING");
  });

  it("refuses any DOCTYPE: external entities (XXE)", () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(errorOf(() => parseXml(xxe)).code).toBe("XML_DOCTYPE");
    expect(errorOf(() => parseXml('<!DOCTYPE r SYSTEM "http://example.org/r.dtd"><r/>')).code).toBe("XML_DOCTYPE");
  });

  it("refuses any DOCTYPE: entity expansion (billion laughs) without expanding anything", () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
    expect(errorOf(() => parseXml(lol)).code).toBe("XML_DOCTYPE");
  });

  it("refuses undefined entities", () => {
    expect(errorOf(() => parseXml("<r>&nbsp;</r>")).code).toBe("XML_MALFORMED");
  });

  it("refuses malformed documents with the reason", () => {
    for (const bad of ["", "<r>", "<r></s>", "<a/><b/>", "<r a='1' a='2'/>", "<p:r/>", "text"]) {
      const e = errorOf(() => parseXml(bad));
      expect(e.code).toBe("XML_MALFORMED");
      expect(e.message.length).toBeGreaterThan(10);
    }
  });

  it("refuses nesting deeper than the limit", () => {
    const deep = "<a>".repeat(50) + "</a>".repeat(50);
    expect(childElements(parseXml(deep)).length).toBe(1);
    expect(errorOf(() => parseXml(deep, { maxDepth: 20 })).code).toBe("XML_TOO_DEEP");
  });
});
