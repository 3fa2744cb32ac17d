import { NS } from "../vocabulary.js";
import { escapeAttribute, escapeText } from "../xml/write-xml.js";
import type { XmlElement } from "../xml/xml-node.js";
import type {
  Classification,
  ExternalIdentifier,
  Identifiable,
  InternationalString,
  PreRenderedObject,
  RegistryObjectBase,
  Slot,
  VersionInfo,
} from "./rim-types.js";

/**
 * The ebRIM writer. Registry objects are the bulk of every large message (a LeafClass answer of fifty documents
 * holds some two thousand elements), so they are serialised straight to text with the `rim` prefix, in the element
 * order rim.xsd prescribes (Slot, Name, Description, VersionInfo, Classification, ExternalIdentifier, ...), and
 * handed to the XML writer as pre-serialised elements.
 */
const RIM_PREFIXES = { rim: NS.rim } as const;

export function writeIdentifiable(obj: Identifiable): XmlElement {
  const out: string[] = [];
  appendIdentifiable(out, obj);
  return rawRim(obj.kind, out.join(""));
}

/** The XML text of a registry object, to store and later answer with as a PreRenderedObject. */
export function renderRegistryObject(obj: Identifiable): string {
  const out: string[] = [];
  appendIdentifiable(out, obj);
  return out.join("");
}

/**
 * A pre-rendered object as an element to write: the stored text with ` status="…"` placed right after the element
 * name (attribute order carries no meaning in XML). The stored text must have been rendered without a status.
 */
export function writePreRendered(obj: PreRenderedObject): XmlElement {
  const kind = /^<rim:([A-Za-z]+)/.exec(obj.xml)?.[1];
  if (!kind) throw new Error(`pre-rendered object ${obj.id} does not start with a rim element`);
  const xml = obj.status === undefined ? obj.xml : `<rim:${kind} status="${escapeAttribute(obj.status)}"${obj.xml.slice(kind.length + 5)}`;
  return rawRim(kind, xml);
}

export function writeSlot(s: Slot): XmlElement {
  const out: string[] = [];
  appendSlot(out, s);
  return rawRim("Slot", out.join(""));
}

function rawRim(local: string, xml: string): XmlElement {
  return { ns: NS.rim, local, attrs: [], children: [], raw: { xml, prefixes: RIM_PREFIXES } };
}

function appendIdentifiable(out: string[], obj: Identifiable): void {
  switch (obj.kind) {
    case "ObjectRef":
      out.push("<rim:ObjectRef");
      attr(out, "id", obj.id);
      attr(out, "home", obj.home);
      out.push("/>");
      return;
    case "ExtrinsicObject":
      open(out, "ExtrinsicObject", obj);
      attr(out, "mimeType", obj.mimeType);
      attr(out, "isOpaque", obj.isOpaque);
      out.push(">");
      appendBaseChildren(out, obj);
      if (obj.contentVersionInfo) appendVersionInfo(out, "ContentVersionInfo", obj.contentVersionInfo);
      out.push("</rim:ExtrinsicObject>");
      return;
    case "RegistryPackage":
      open(out, "RegistryPackage", obj);
      out.push(">");
      appendBaseChildren(out, obj);
      out.push("</rim:RegistryPackage>");
      return;
    case "Association":
      open(out, "Association", obj);
      attr(out, "associationType", obj.associationType);
      attr(out, "sourceObject", obj.sourceObject);
      attr(out, "targetObject", obj.targetObject);
      out.push(">");
      appendBaseChildren(out, obj);
      out.push("</rim:Association>");
      return;
    case "Classification":
      appendClassification(out, obj);
      return;
    case "ExternalIdentifier":
      appendExternalIdentifier(out, obj);
      return;
  }
}

function open(out: string[], local: string, o: RegistryObjectBase): void {
  out.push("<rim:", local);
  attr(out, "id", o.id);
  attr(out, "lid", o.lid);
  attr(out, "objectType", o.objectType);
  attr(out, "status", o.status);
  attr(out, "home", o.home);
}

function attr(out: string[], name: string, value: string | undefined): void {
  if (value !== undefined) out.push(" ", name, '="', escapeAttribute(value), '"');
}

function appendClassification(out: string[], c: Classification): void {
  open(out, "Classification", c);
  attr(out, "classificationScheme", c.classificationScheme);
  attr(out, "classifiedObject", c.classifiedObject);
  attr(out, "classificationNode", c.classificationNode);
  attr(out, "nodeRepresentation", c.nodeRepresentation);
  closeWithChildren(out, "Classification", c);
}

function appendExternalIdentifier(out: string[], e: ExternalIdentifier): void {
  open(out, "ExternalIdentifier", e);
  attr(out, "registryObject", e.registryObject);
  attr(out, "identificationScheme", e.identificationScheme);
  attr(out, "value", e.value);
  closeWithChildren(out, "ExternalIdentifier", e);
}

function closeWithChildren(out: string[], local: string, o: RegistryObjectBase): void {
  if (!hasChildren(o)) {
    out.push("/>");
    return;
  }
  out.push(">");
  appendBaseChildren(out, o);
  out.push("</rim:", local, ">");
}

function hasChildren(o: RegistryObjectBase): boolean {
  return (
    o.slots.length > 0 ||
    o.name !== undefined ||
    o.description !== undefined ||
    o.versionInfo !== undefined ||
    o.classifications.length > 0 ||
    o.externalIdentifiers.length > 0
  );
}

function appendBaseChildren(out: string[], o: RegistryObjectBase): void {
  for (const s of o.slots) appendSlot(out, s);
  if (o.name) appendInternationalString(out, "Name", o.name);
  if (o.description) appendInternationalString(out, "Description", o.description);
  if (o.versionInfo) appendVersionInfo(out, "VersionInfo", o.versionInfo);
  for (const c of o.classifications) appendClassification(out, c);
  for (const e of o.externalIdentifiers) appendExternalIdentifier(out, e);
}

function appendSlot(out: string[], s: Slot): void {
  out.push("<rim:Slot");
  attr(out, "name", s.name);
  attr(out, "slotType", s.slotType);
  out.push("><rim:ValueList>");
  for (const v of s.values) out.push(v === "" ? "<rim:Value/>" : `<rim:Value>${escapeText(v)}</rim:Value>`);
  out.push("</rim:ValueList></rim:Slot>");
}

function appendInternationalString(out: string[], local: "Name" | "Description", value: InternationalString): void {
  if (value.length === 0) {
    out.push("<rim:", local, "/>");
    return;
  }
  out.push("<rim:", local, ">");
  for (const ls of value) {
    out.push("<rim:LocalizedString");
    attr(out, "charset", ls.charset);
    if (ls.lang !== undefined) out.push(' xml:lang="', escapeAttribute(ls.lang), '"');
    attr(out, "value", ls.value);
    out.push("/>");
  }
  out.push("</rim:", local, ">");
}

function appendVersionInfo(out: string[], local: "VersionInfo" | "ContentVersionInfo", v: VersionInfo): void {
  out.push("<rim:", local);
  attr(out, "versionName", v.versionName);
  attr(out, "comment", v.comment);
  out.push("/>");
}
