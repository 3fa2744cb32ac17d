import {
  NS,
  childElements,
  firstChild,
  parseAdhocQueryRequest,
  parseAdhocQueryResponse,
  parseProvideAndRegisterRequest,
  parseRegistryResponse,
  parseRemoveObjectsRequest,
  parseRetrieveDocumentSetRequest,
  parseRetrieveDocumentSetResponse,
  parseSubmitObjectsRequest,
  parseXml,
  serializeAdhocQueryRequest,
  serializeAdhocQueryResponse,
  serializeProvideAndRegisterRequest,
  serializeRegistryResponse,
  serializeRemoveObjectsRequest,
  serializeRetrieveDocumentSetRequest,
  serializeRetrieveDocumentSetResponse,
  serializeSubmitObjectsRequest,
  serializeSubmitObjectsRequest as serializeSor,
  xdsMetadataFromRim,
  xdsMetadataToRim,
  type MessageInput,
  type ParseResult,
  type XmlElement,
} from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLES, listFiles, xmlOfCapture } from "../support/fixtures.js";

/** One entry per message type: how to parse and serialise it. */
interface Codec {
  parse(input: MessageInput): ParseResult<unknown>;
  serialize(value: never): string;
}

const CODECS: Record<string, Codec> = {
  [`${NS.lcm} SubmitObjectsRequest`]: { parse: parseSubmitObjectsRequest, serialize: serializeSubmitObjectsRequest },
  [`${NS.xdsb} ProvideAndRegisterDocumentSetRequest`]: {
    parse: parseProvideAndRegisterRequest,
    serialize: serializeProvideAndRegisterRequest,
  },
  [`${NS.lcm} RemoveObjectsRequest`]: { parse: parseRemoveObjectsRequest, serialize: serializeRemoveObjectsRequest },
  [`${NS.rs} RegistryResponse`]: { parse: parseRegistryResponse, serialize: serializeRegistryResponse },
  [`${NS.query} AdhocQueryRequest`]: { parse: parseAdhocQueryRequest, serialize: serializeAdhocQueryRequest },
  [`${NS.query} AdhocQueryResponse`]: { parse: parseAdhocQueryResponse, serialize: serializeAdhocQueryResponse },
  [`${NS.xdsb} RetrieveDocumentSetRequest`]: {
    parse: parseRetrieveDocumentSetRequest,
    serialize: serializeRetrieveDocumentSetRequest,
  },
  [`${NS.xdsb} RetrieveDocumentSetResponse`]: {
    parse: parseRetrieveDocumentSetResponse,
    serialize: serializeRetrieveDocumentSetResponse,
  },
};

/** The message element: the document root, or the only child of a SOAP 1.2 Body. */
function messageElement(root: XmlElement): XmlElement {
  if (root.ns !== NS.soap12 || root.local !== "Envelope") return root;
  const body = firstChild(root, NS.soap12, "Body");
  const first = body && childElements(body)[0];
  if (!first) throw new Error("empty SOAP Body");
  return first;
}

function unwrap<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`parse failed: ${JSON.stringify(r.errors, null, 1)}`);
  return r.value;
}

/** Captures that are not well-formed messages, with the reason; each is checked to really fail. */
const NOT_A_MESSAGE: Record<string, string> = {
  "openhim-mediator-xds/pnrResponse_e2e.xml":
    "pretty-printed MIME capture: the Content-ID header value was moved into the part body, so the root is not XML",
};

const files = listFiles(SAMPLES, [".xml"]).filter((f) => !(f in NOT_A_MESSAGE));

describe("ebRIM 3.0 samples: parse -> serialize -> parse gives the same model", () => {
  it("finds the samples", () => {
    expect(files.length).toBeGreaterThan(80);
  });

  for (const [file, reason] of Object.entries(NOT_A_MESSAGE)) {
    it(`${file} is refused: ${reason}`, () => {
      expect(() => parseXml(xmlOfCapture(readFileSync(join(SAMPLES, file))))).toThrow(/not well-formed/);
    });
  }

  for (const file of files) {
    it(file, () => {
      const el = messageElement(parseXml(xmlOfCapture(readFileSync(join(SAMPLES, file)))));
      const codec = CODECS[`${el.ns} ${el.local}`];
      expect(codec, `no codec for {${el.ns}}${el.local}`).toBeDefined();
      if (!codec) return;
      const first = unwrap(codec.parse(el));
      const xml = codec.serialize(first as never);
      const second = unwrap(codec.parse(xml));
      expect(second).toEqual(first);
      // Writing the re-read model again gives the very same bytes.
      expect(codec.serialize(second as never)).toBe(xml);
    });
  }
});

describe("XDS views of the ebRIM 3.0 submissions: rim -> views -> rim -> views is stable", () => {
  for (const file of files) {
    const el = messageElement(parseXml(xmlOfCapture(readFileSync(join(SAMPLES, file)))));
    let objects;
    if (el.ns === NS.lcm && el.local === "SubmitObjectsRequest") objects = unwrap(parseSubmitObjectsRequest(el)).objects;
    else if (el.ns === NS.xdsb && el.local === "ProvideAndRegisterDocumentSetRequest") {
      objects = unwrap(parseProvideAndRegisterRequest(el)).submitObjectsRequest.objects;
    } else if (el.ns === NS.query && el.local === "AdhocQueryResponse") objects = unwrap(parseAdhocQueryResponse(el)).objects;
    else continue;
    const source = objects;
    it(file, () => {
      const views = xdsMetadataFromRim(source);
      const again = unwrap(parseSubmitObjectsRequest(serializeSor({ requestSlots: [], objects: xdsMetadataToRim(views) })));
      expect(xdsMetadataFromRim(again.objects)).toEqual(views);
    });
  }
});
