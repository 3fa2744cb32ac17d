import { NS } from "../vocabulary.js";
import { readRegistryObjectList, readSlots } from "../rim/read-rim.js";
import { writeIdentifiable, writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { Identifiable, Slot } from "../rim/rim-types.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";

/** lcm:SubmitObjectsRequest (ebRS 3.0 §5.3), the body of ITI-42 and ITI-57 and the core of ITI-41. */
export interface SubmitObjectsRequest {
  readonly id?: string;
  readonly comment?: string;
  readonly requestSlots: readonly Slot[];
  readonly objects: readonly Identifiable[];
}

export const SUBMIT_OBJECTS_REQUEST = { ns: NS.lcm, local: "SubmitObjectsRequest" } as const;

export function readSubmitObjectsRequest(el: XmlElement, ctx: Problems): SubmitObjectsRequest {
  const list = firstChild(el, NS.rim, "RegistryObjectList");
  if (!list) ctx.error("SubmitObjectsRequest", "SubmitObjectsRequest has no rim:RegistryObjectList");
  const req: { -readonly [K in keyof SubmitObjectsRequest]: SubmitObjectsRequest[K] } = {
    requestSlots: readSlots(firstChild(el, NS.rs, "RequestSlotList"), ctx),
    objects: list ? readRegistryObjectList(list, ctx) : [],
  };
  const id = attribute(el, "id");
  const comment = attribute(el, "comment");
  if (id !== undefined) req.id = id;
  if (comment !== undefined) req.comment = comment;
  return req;
}

export function writeSubmitObjectsRequest(req: SubmitObjectsRequest): XmlElement {
  return element(NS.lcm, "SubmitObjectsRequest", { id: req.id, comment: req.comment }, [
    req.requestSlots.length > 0 && element(NS.rs, "RequestSlotList", {}, req.requestSlots.map(writeSlot)),
    element(NS.rim, "RegistryObjectList", {}, req.objects.map(writeIdentifiable)),
  ]);
}

export function parseSubmitObjectsRequest(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, SUBMIT_OBJECTS_REQUEST, readSubmitObjectsRequest, options);
}

export function serializeSubmitObjectsRequest(req: SubmitObjectsRequest): string {
  return serializeMessage(writeSubmitObjectsRequest(req));
}
