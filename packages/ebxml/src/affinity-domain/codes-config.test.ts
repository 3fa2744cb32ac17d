import { describe, expect, it } from "vitest";
import { CLASSIFICATION_SCHEME } from "../vocabulary.js";
import { CodesConfigError, parseCodesXml, serializeCodesXml, type CodesConfig } from "./codes-config.js";

// Modelled on the NIST toolkit's environment/default/codes.xml: toolkit comment header, CodeTypes with classScheme,
// Codes with display/codingScheme/system, a retired code, an unknown CodeType, the mimeType CodeType with ext, and
// AssigningAuthority elements whose id carries escaped ampersands.
const NIST_SNIPPET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!--
    Version: 2021.11
-->
<Codes>
    <CodeType name="confidentialityCode" classScheme="urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f">
        <Code code="N" display="normal" codingScheme="2.16.840.1.113883.5.25" system="http://terminology.hl7.org/CodeSystem/v3-Confidentiality"/>
        <Code code="1.3.6.1.4.1.21367.2006.7.101" display="Clinical-Staff" codingScheme="1.3.6.1.4.1.21367.2006.7.100" deprecated="yes"/>
    </CodeType>
    <CodeType name="classCode" classScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a">
        <Code code="57016-8" display="Privacy Policy Acknowledgement Document" codingScheme="2.16.840.1.113883.6.1" system="http://loinc.org"/>
        <Code code="REPORTS" display="Reports" codingScheme="1.3.6.1.4.1.19376.1.2.6.1" system="urn:oid:1.3.6.1.4.1.19376.1.2.6.1"/>
    </CodeType>
    <CodeType name="xdwTaskCode">
        <Code code="T1" codingScheme="1.2.3.4"/>
    </CodeType>

    <CodeType name="mimeType">
        <Code  code="application/pdf" ext="pdf"/>
        <Code  code="text/goofy" ext="gfy" deprecated="yes"/>
        <Code  code="multipart/related"/>
    </CodeType>

    <AssigningAuthority id="&amp;1.3.6.1.4.1.21367.13.20.1000&amp;ISO" display="IHERED"/>
    <AssigningAuthority id="&amp;1.3.6.1.4.1.21367.13.20.2000&amp;ISO"/>
</Codes>
`;

describe("parseCodesXml (NIST toolkit codes.xml format)", () => {
  it("reads CodeTypes, codes, deprecated flags, mime types and assigning authorities", () => {
    const config = parseCodesXml(NIST_SNIPPET);
    expect([...config.codeTypes.keys()]).toEqual(["confidentialityCode", "classCode", "xdwTaskCode"]);
    expect(config.codeTypes.get("confidentialityCode")).toEqual({
      name: "confidentialityCode",
      classScheme: CLASSIFICATION_SCHEME.documentEntryConfidentialityCode,
      codes: [
        {
          code: "N",
          display: "normal",
          codingScheme: "2.16.840.1.113883.5.25",
          system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
          deprecated: false,
        },
        { code: "1.3.6.1.4.1.21367.2006.7.101", display: "Clinical-Staff", codingScheme: "1.3.6.1.4.1.21367.2006.7.100", deprecated: true },
      ],
    });
    expect(config.codeTypes.get("classCode")?.codes.map((c) => c.code)).toEqual(["57016-8", "REPORTS"]);
    // Unknown CodeType names are kept, without classScheme.
    expect(config.codeTypes.get("xdwTaskCode")).toEqual({ name: "xdwTaskCode", codes: [{ code: "T1", codingScheme: "1.2.3.4", deprecated: false }] });
    expect(config.codeTypes.has("mimeType")).toBe(false);
    expect(config.mimeTypes).toEqual([
      { code: "application/pdf", ext: "pdf", deprecated: false },
      { code: "text/goofy", ext: "gfy", deprecated: true },
      { code: "multipart/related", deprecated: false },
    ]);
    expect(config.assigningAuthorities).toEqual([
      { id: "&1.3.6.1.4.1.21367.13.20.1000&ISO", display: "IHERED" },
      { id: "&1.3.6.1.4.1.21367.13.20.2000&ISO" },
    ]);
  });

  it("reads bytes as well as text", () => {
    const config = parseCodesXml(new TextEncoder().encode(NIST_SNIPPET));
    expect(config.codeTypes.get("classCode")?.codes).toHaveLength(2);
  });

  it("gives an empty configuration for an empty <Codes/>", () => {
    const config = parseCodesXml("<Codes/>");
    expect(config.codeTypes.size).toBe(0);
    expect(config.mimeTypes).toEqual([]);
    expect(config.assigningAuthorities).toEqual([]);
  });
});

describe("serializeCodesXml", () => {
  it("round-trips: serialize then parse gives the same configuration", () => {
    const config = parseCodesXml(NIST_SNIPPET);
    const xml = serializeCodesXml(config);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Codes>')).toBe(true);
    expect(xml).toContain('<AssigningAuthority id="&amp;1.3.6.1.4.1.21367.13.20.1000&amp;ISO" display="IHERED"/>');
    expect(xml).toContain('<Code code="text/goofy" ext="gfy" deprecated="yes"/>');
    expect(parseCodesXml(xml)).toEqual(config);
  });

  it("writes the toolkit's element and attribute names, one element a line", () => {
    const config: CodesConfig = {
      codeTypes: new Map([
        ["typeCode", { name: "typeCode", classScheme: CLASSIFICATION_SCHEME.documentEntryTypeCode, codes: [{ code: "11502-2", display: "Laboratory report", codingScheme: "2.16.840.1.113883.6.1", deprecated: false }] }],
      ]),
      mimeTypes: [{ code: "application/pdf", ext: "pdf", deprecated: false }],
      assigningAuthorities: [],
    };
    expect(serializeCodesXml(config)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Codes>",
        `    <CodeType name="typeCode" classScheme="${CLASSIFICATION_SCHEME.documentEntryTypeCode}">`,
        '        <Code code="11502-2" display="Laboratory report" codingScheme="2.16.840.1.113883.6.1"/>',
        "    </CodeType>",
        '    <CodeType name="mimeType">',
        '        <Code code="application/pdf" ext="pdf"/>',
        "    </CodeType>",
        "</Codes>",
        "",
      ].join("\n"),
    );
  });
});

describe("parseCodesXml refuses a malformed configuration", () => {
  const refused = (xml: string): CodesConfigError => {
    try {
      parseCodesXml(xml);
    } catch (e) {
      expect(e).toBeInstanceOf(CodesConfigError);
      return e as CodesConfigError;
    }
    throw new Error("expected a CodesConfigError");
  };

  it("not XML", () => {
    const e = refused("this is not xml");
    expect(e.message).toMatch(/^codes configuration is not an XML document we accept: /);
    expect(e.name).toBe("CodesConfigError");
  });

  it("a DOCTYPE (XML entity attacks)", () => {
    expect(refused('<!DOCTYPE Codes [<!ENTITY x "y">]><Codes/>').message).toMatch(/DOCTYPE/);
  });

  it("wrong root element", () => {
    expect(refused("<CodeSets/>").message).toBe("codes configuration: the root element must be <Codes> (no namespace), got <CodeSets>");
    expect(refused('<Codes xmlns="urn:x"/>').message).toContain("got <{urn:x}Codes>");
  });

  it("a Code without code attribute", () => {
    const xml = '<Codes><CodeType name="classCode"><Code code="A" codingScheme="1.2"/><Code display="x" codingScheme="1.2"/></CodeType></Codes>';
    expect(refused(xml).message).toBe('codes configuration: CodeType "classCode", Code #2 has no code attribute');
  });

  it("a Code without codingScheme", () => {
    const xml = '<Codes><CodeType name="typeCode"><Code code="11502-2"/></CodeType></Codes>';
    expect(refused(xml).message).toBe('codes configuration: CodeType "typeCode", Code #1 (code "11502-2") has no codingScheme attribute');
  });

  it("a CodeType without name, or defined twice", () => {
    expect(refused("<Codes><CodeType/></Codes>").message).toBe("codes configuration: a <CodeType> has no name attribute");
    const twice = '<Codes><CodeType name="mimeType"/><CodeType name="mimeType"/></Codes>';
    expect(refused(twice).message).toBe('codes configuration: CodeType "mimeType" is defined twice');
  });

  it("a known CodeType with another attribute's classScheme", () => {
    const xml = `<Codes><CodeType name="classCode" classScheme="${CLASSIFICATION_SCHEME.documentEntryTypeCode}"/></Codes>`;
    expect(refused(xml).message).toContain(`CodeType "classCode" has classScheme "${CLASSIFICATION_SCHEME.documentEntryTypeCode}"`);
  });

  it("an unknown element, stray text, a bad deprecated value, an AssigningAuthority without id", () => {
    expect(refused("<Codes><CodeTyp name='x'/></Codes>").message).toBe("codes configuration: unexpected element <CodeTyp> in <Codes>");
    expect(refused("<Codes>oops</Codes>").message).toBe('codes configuration: unexpected text "oops" in <Codes>');
    const dep = '<Codes><CodeType name="mimeType"><Code code="a/b" deprecated="maybe"/></CodeType></Codes>';
    expect(refused(dep).message).toBe('codes configuration: CodeType "mimeType", Code #1 has deprecated="maybe"; use deprecated="yes"');
    expect(refused('<Codes><AssigningAuthority display="x"/></Codes>').message).toBe(
      "codes configuration: AssigningAuthority #1 has no id attribute",
    );
  });
});
