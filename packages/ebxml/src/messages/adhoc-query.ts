import { NS } from "../vocabulary.js";
import { readSlots } from "../rim/read-rim.js";
import { writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { Slot } from "../rim/rim-types.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";

/** rim:AdhocQuery: a stored query id and its parameters as Slots (ITI TF-2a 3.18.4.1.2.3). */
export interface AdhocQuery {
  readonly id: string;
  readonly home?: string;
  readonly slots: readonly Slot[];
}

export function readAdhocQuery(el: XmlElement, ctx: Problems): AdhocQuery {
  const id = attribute(el, "id");
  if (!id) ctx.error("AdhocQuery", "AdhocQuery has no id (the stored query id)", "XDSUnknownStoredQuery");
  const q: { -readonly [K in keyof AdhocQuery]: AdhocQuery[K] } = { id: id ?? "", slots: readSlots(el, ctx) };
  const home = attribute(el, "home");
  if (home !== undefined) q.home = home;
  return q;
}

export function writeAdhocQuery(q: AdhocQuery): XmlElement {
  return element(NS.rim, "AdhocQuery", { id: q.id, home: q.home }, q.slots.map(writeSlot));
}

export function firstAdhocQuery(el: XmlElement): XmlElement | undefined {
  return firstChild(el, NS.rim, "AdhocQuery");
}
