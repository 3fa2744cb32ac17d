import { NS } from "../vocabulary.js";
import { readSlots } from "../rim/read-rim.js";
import { writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { Slot } from "../rim/rim-types.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";
import { firstAdhocQuery, readAdhocQuery, writeAdhocQuery, type AdhocQuery } from "./adhoc-query.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";

/** query:AdhocQueryRequest (ebRS 3.0 §6.1), the body of ITI-18, ITI-38 and ITI-51. */
export interface AdhocQueryRequest {
  readonly id?: string;
  readonly comment?: string;
  readonly federated?: string;
  readonly startIndex?: string;
  readonly maxResults?: string;
  readonly requestSlots: readonly Slot[];
  /** LeafClass (full objects) or ObjectRef (ids only). */
  readonly returnType: string;
  readonly returnComposedObjects?: string;
  readonly query: AdhocQuery;
}

export const ADHOC_QUERY_REQUEST = { ns: NS.query, local: "AdhocQueryRequest" } as const;

export function readAdhocQueryRequest(el: XmlElement, ctx: Problems): AdhocQueryRequest {
  const option = firstChild(el, NS.query, "ResponseOption");
  const queryEl = firstAdhocQuery(el);
  if (!option) ctx.error("AdhocQueryRequest", "AdhocQueryRequest has no query:ResponseOption", "XDSRegistryError");
  if (!queryEl) ctx.error("AdhocQueryRequest", "AdhocQueryRequest has no rim:AdhocQuery", "XDSRegistryError");
  const req: { -readonly [K in keyof AdhocQueryRequest]: AdhocQueryRequest[K] } = {
    requestSlots: readSlots(firstChild(el, NS.rs, "RequestSlotList"), ctx),
    returnType: (option && attribute(option, "returnType")) ?? "RegistryObject",
    query: queryEl ? readAdhocQuery(queryEl, ctx) : { id: "", slots: [] },
  };
  for (const name of ["id", "comment", "federated", "startIndex", "maxResults"] as const) {
    const v = attribute(el, name);
    if (v !== undefined) req[name] = v;
  }
  const composed = option && attribute(option, "returnComposedObjects");
  if (composed !== undefined) req.returnComposedObjects = composed;
  return req;
}

export function writeAdhocQueryRequest(req: AdhocQueryRequest): XmlElement {
  return element(
    NS.query,
    "AdhocQueryRequest",
    { id: req.id, comment: req.comment, federated: req.federated, startIndex: req.startIndex, maxResults: req.maxResults },
    [
      req.requestSlots.length > 0 && element(NS.rs, "RequestSlotList", {}, req.requestSlots.map(writeSlot)),
      element(NS.query, "ResponseOption", { returnComposedObjects: req.returnComposedObjects, returnType: req.returnType }),
      writeAdhocQuery(req.query),
    ],
  );
}

export function parseAdhocQueryRequest(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, ADHOC_QUERY_REQUEST, readAdhocQueryRequest, options);
}

export function serializeAdhocQueryRequest(req: AdhocQueryRequest): string {
  return serializeMessage(writeAdhocQueryRequest(req));
}
