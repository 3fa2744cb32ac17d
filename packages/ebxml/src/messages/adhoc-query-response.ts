import { NS } from "../vocabulary.js";
import { readRegistryObjectList, readSlots } from "../rim/read-rim.js";
import { writeIdentifiable, writePreRendered, writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { Identifiable, PreRenderedObject, Slot } from "../rim/rim-types.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";
import { readRegistryErrorList, writeRegistryErrorList, type RegistryError } from "./registry-response.js";

/** query:AdhocQueryResponse (ebRS 3.0 §6.2): LeafClass objects or ObjectRefs, with errors and warnings. */
export interface AdhocQueryResponse {
  readonly status: string;
  readonly requestId?: string;
  readonly startIndex?: string;
  readonly totalResultCount?: string;
  readonly responseSlots: readonly Slot[];
  readonly errors: readonly RegistryError[];
  readonly objects: readonly Identifiable[];
}

/** A response to write: a registry may answer with objects it stored pre-rendered. */
export type OutgoingAdhocQueryResponse = Omit<AdhocQueryResponse, "objects"> & {
  readonly objects: readonly (Identifiable | PreRenderedObject)[];
};

export const ADHOC_QUERY_RESPONSE = { ns: NS.query, local: "AdhocQueryResponse" } as const;

export function readAdhocQueryResponse(el: XmlElement, ctx: Problems): AdhocQueryResponse {
  const status = attribute(el, "status");
  // A response without status is non-conformant (ebRS 3.0 §2.1.3) but its content is still worth reading.
  if (!status) ctx.warning("AdhocQueryResponse", "AdhocQueryResponse has no status", "XDSRegistryError");
  const list = firstChild(el, NS.rim, "RegistryObjectList");
  const res: { -readonly [K in keyof AdhocQueryResponse]: AdhocQueryResponse[K] } = {
    status: status ?? "",
    responseSlots: readSlots(firstChild(el, NS.rs, "ResponseSlotList"), ctx),
    errors: readRegistryErrorList(el),
    objects: list ? readRegistryObjectList(list, ctx) : [],
  };
  for (const name of ["requestId", "startIndex", "totalResultCount"] as const) {
    const v = attribute(el, name);
    if (v !== undefined) res[name] = v;
  }
  return res;
}

/** RegistryObjectList is always written, even empty: NIST's validator expects it on a Success. */
export function writeAdhocQueryResponse(res: OutgoingAdhocQueryResponse): XmlElement {
  return element(
    NS.query,
    "AdhocQueryResponse",
    { status: res.status, requestId: res.requestId, startIndex: res.startIndex, totalResultCount: res.totalResultCount },
    [
      res.responseSlots.length > 0 && element(NS.rs, "ResponseSlotList", {}, res.responseSlots.map(writeSlot)),
      writeRegistryErrorList(res.errors),
      element(NS.rim, "RegistryObjectList", {}, res.objects.map((o) => (o.kind === "PreRendered" ? writePreRendered(o) : writeIdentifiable(o)))),
    ],
  );
}

export function parseAdhocQueryResponse(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, ADHOC_QUERY_RESPONSE, readAdhocQueryResponse, options);
}

export function serializeAdhocQueryResponse(res: OutgoingAdhocQueryResponse): string {
  return serializeMessage(writeAdhocQueryResponse(res));
}
