import { describe, expect, it } from "vitest";
import { parseXml } from "./parse-xml.js";
import { writeXml, writeXmlUtf8 } from "./write-xml.js";
import { element, type XmlElement } from "./xml-node.js";

describe("writeXml", () => {
  it("declares each namespace once on the root with the preferred prefixes", () => {
    const tree = element("urn:a", "Root", {}, [element("urn:b", "Child", { id: "1" }), element("urn:a", "Other")]);
    const xml = writeXml(tree, { prefixes: { "urn:a": "a", "urn:b": "b" } });
    expect(xml).toBe('<a:Root xmlns:a="urn:a" xmlns:b="urn:b"><b:Child id="1"/><a:Other/></a:Root>');
  });

  it("invents prefixes for unknown namespaces and avoids clashes", () => {
    const tree = element("urn:a", "Root", {}, [element("urn:c", "C"), element("urn:d", "D")]);
    const xml = writeXml(tree, { prefixes: { "urn:a": "ns1" } });
    const back = parseXml(xml);
    expect(back.children.map((c) => (typeof c === "string" ? c : c.ns))).toEqual(["urn:c", "urn:d"]);
  });

  it("escapes text and attributes so that any string survives a round trip", () => {
    const nasty = `a<b>&c"d'e\r\n\tf]]>g`;
    const tree: XmlElement = element("", "r", { v: nasty }, [nasty]);
    const back = parseXml(writeXml(tree, { declaration: true }));
    expect(back.attrs[0]?.value).toBe(nasty);
    expect(back.children[0]).toBe(nasty);
  });

  it("writes xml:lang with the reserved prefix and namespaced attributes with theirs", () => {
    const tree: XmlElement = {
      ns: "urn:a",
      local: "r",
      attrs: [
        { ns: "http://www.w3.org/XML/1998/namespace", local: "lang", value: "fr" },
        { ns: "urn:m", local: "mustUnderstand", value: "true" },
      ],
      children: [],
    };
    const xml = writeXml(tree, { prefixes: { "urn:a": "a", "urn:m": "m" } });
    expect(xml).toBe('<a:r xmlns:a="urn:a" xmlns:m="urn:m" xml:lang="fr" m:mustUnderstand="true"/>');
  });

  it("writeXmlUtf8 gives the UTF-8 bytes of writeXml, pre-serialised parts and characters beyond ASCII included", () => {
    const raw: XmlElement = { ns: "urn:a", local: "Kept", attrs: [], children: [], raw: { xml: "<a:Kept v=\"Médecin spécialiste 😷\"/>", prefixes: { a: "urn:a" } } };
    const tree = element("urn:a", "Root", { note: "Lëtzebuerg – €" }, ["Hôpital ", raw, element("urn:b", "Child", {}, ["日本語 & <"])]);
    const options = { prefixes: { "urn:a": "a", "urn:b": "b" }, declaration: true };
    const bytes = writeXmlUtf8(tree, options);
    expect(bytes.equals(Buffer.from(writeXml(tree, options), "utf8"))).toBe(true);
    expect(bytes.toString("utf8")).toContain("Médecin spécialiste 😷");
  });
});
