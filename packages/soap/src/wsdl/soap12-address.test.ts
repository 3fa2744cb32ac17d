import { ACTION, attribute, childElements, parseXml, type XmlElement } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WSDL_SOAP12_NS, withSoap12Address } from "./soap12-address.js";

const WSDL_DIR = join(import.meta.dirname, "../../../../wsdl");
const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
const WSAW_NS = "http://www.w3.org/2006/05/addressing/wsdl";

function all(el: XmlElement, ns: string, local: string): XmlElement[] {
  const found = el.ns === ns && el.local === local ? [el] : [];
  return [...found, ...childElements(el).flatMap((c) => all(c, ns, local))];
}

describe("withSoap12Address", () => {
  it("sets the soap12:address of the committed WSDLs and keeps everything else as written", () => {
    for (const [file, service] of [
      ["DocumentRegistry.wsdl", "DocumentRegistry_Service"],
      ["DocumentRepository.wsdl", "DocumentRepository_Service"],
    ] as const) {
      const wsdl = readFileSync(join(WSDL_DIR, file), "utf8");
      const served = withSoap12Address(wsdl, "https://dsp.example.org/xds/x?a=1&b=2");
      const root = parseXml(served);
      const addresses = all(root, WSDL_SOAP12_NS, "address");
      expect(addresses.map((a) => attribute(a, "location"))).toEqual(["https://dsp.example.org/xds/x?a=1&b=2"]);
      expect(all(root, WSDL_NS, "service").map((s) => attribute(s, "name"))).toEqual([service]);
      expect(served.replace(/location="[^"]*"/, "")).toBe(wsdl.replace(/location="[^"]*"/, ""));
    }
  });

  it("the WSDLs carry the exact IHE action URIs on every operation, input and output", () => {
    const expected: Record<string, readonly (keyof typeof ACTION)[]> = {
      "DocumentRegistry.wsdl": ["iti42", "iti18"],
      "DocumentRepository.wsdl": ["iti41", "iti43"],
    };
    for (const [file, transactions] of Object.entries(expected)) {
      const root = parseXml(readFileSync(join(WSDL_DIR, file), "utf8"));
      const inputs = all(root, WSDL_NS, "portType").flatMap((p) => all(p, WSDL_NS, "input")).map((i) => attribute(i, "Action", WSAW_NS));
      const outputs = all(root, WSDL_NS, "portType").flatMap((p) => all(p, WSDL_NS, "output")).map((o) => attribute(o, "Action", WSAW_NS));
      const soapActions = all(root, WSDL_SOAP12_NS, "operation").map((o) => attribute(o, "soapAction"));
      expect(inputs).toEqual(transactions.map((t) => ACTION[t].request));
      expect(outputs).toEqual(transactions.map((t) => ACTION[t].response));
      expect(soapActions).toEqual(transactions.map((t) => ACTION[t].request));
      // Every message part points at an element declared in the inlined schemas.
      const declared = new Set(all(root, "http://www.w3.org/2001/XMLSchema", "schema").flatMap((s) => childElements(s).filter((e) => e.local === "element").map((e) => `{${attribute(s, "targetNamespace") ?? ""}}${attribute(e, "name") ?? ""}`)));
      const text = readFileSync(join(WSDL_DIR, file), "utf8");
      for (const part of all(root, WSDL_NS, "part")) {
        const [prefix, local] = (attribute(part, "element") ?? "").split(":");
        const bound = [...text.matchAll(/xmlns:(\w+)="([^"]+)"/g)].find((m) => m[1] === prefix)?.[2];
        expect(declared.has(`{${bound ?? ""}}${local ?? ""}`), `${file}: ${attribute(part, "element") ?? ""}`).toBe(true);
      }
    }
  });

  it("escapes the location and refuses what is not a WSDL", () => {
    const wsdl = `<definitions xmlns="${WSDL_NS}" xmlns:s12="${WSDL_SOAP12_NS}"><service><port><s12:address location="x"/></port></service></definitions>`;
    expect(withSoap12Address(wsdl, 'http://h/"><x')).toContain('location="http://h/&quot;&gt;&lt;x"');
    expect(() => withSoap12Address("<a/>", "http://h")).toThrow(TypeError);
  });
});
