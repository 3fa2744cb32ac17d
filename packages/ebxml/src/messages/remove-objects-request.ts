import { NS } from "../vocabulary.js";
import { readObjectRef, readSlots } from "../rim/read-rim.js";
import { writeIdentifiable, writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { ObjectRef, Slot } from "../rim/rim-types.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";
import { firstAdhocQuery, readAdhocQuery, writeAdhocQuery, type AdhocQuery } from "./adhoc-query.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";

/** lcm:RemoveObjectsRequest (ebRS 3.0 §5.6), the body of ITI-62 Delete Document Set. */
export interface RemoveObjectsRequest {
  readonly id?: string;
  readonly comment?: string;
  readonly deletionScope?: string;
  readonly requestSlots: readonly Slot[];
  readonly adhocQuery?: AdhocQuery;
  readonly objectRefs: readonly ObjectRef[];
}

export const REMOVE_OBJECTS_REQUEST = { ns: NS.lcm, local: "RemoveObjectsRequest" } as const;

export function readRemoveObjectsRequest(el: XmlElement, ctx: Problems): RemoveObjectsRequest {
  const objectRefs: ObjectRef[] = [];
  const list = firstChild(el, NS.rim, "ObjectRefList");
  for (const c of list?.children ?? []) {
    if (typeof c !== "string" && c.ns === NS.rim && c.local === "ObjectRef") objectRefs.push(readObjectRef(c, ctx));
  }
  const req: { -readonly [K in keyof RemoveObjectsRequest]: RemoveObjectsRequest[K] } = {
    requestSlots: readSlots(firstChild(el, NS.rs, "RequestSlotList"), ctx),
    objectRefs,
  };
  const query = firstAdhocQuery(el);
  if (query) req.adhocQuery = readAdhocQuery(query, ctx);
  for (const name of ["id", "comment", "deletionScope"] as const) {
    const v = attribute(el, name);
    if (v !== undefined) req[name] = v;
  }
  return req;
}

export function writeRemoveObjectsRequest(req: RemoveObjectsRequest): XmlElement {
  return element(NS.lcm, "RemoveObjectsRequest", { id: req.id, comment: req.comment, deletionScope: req.deletionScope }, [
    req.requestSlots.length > 0 && element(NS.rs, "RequestSlotList", {}, req.requestSlots.map(writeSlot)),
    req.adhocQuery && writeAdhocQuery(req.adhocQuery),
    element(NS.rim, "ObjectRefList", {}, req.objectRefs.map(writeIdentifiable)),
  ]);
}

export function parseRemoveObjectsRequest(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, REMOVE_OBJECTS_REQUEST, readRemoveObjectsRequest, options);
}

export function serializeRemoveObjectsRequest(req: RemoveObjectsRequest): string {
  return serializeMessage(writeRemoveObjectsRequest(req));
}
