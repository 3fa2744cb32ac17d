import { NS } from "../vocabulary.js";
import { attribute, qualifiedName, textContent, type XmlElement } from "../xml/xml-node.js";
import type { Problems } from "../problems.js";
import type {
  RimAssociation,
  Classification,
  ExternalIdentifier,
  ExtrinsicObject,
  Identifiable,
  InternationalString,
  LocalizedString,
  ObjectRef,
  RegistryObjectBase,
  RegistryPackage,
  Slot,
  VersionInfo,
} from "./rim-types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads a rim:RegistryObjectList (or any element holding identifiables) in document order. */
export function readRegistryObjectList(list: XmlElement, ctx: Problems): Identifiable[] {
  const out: Identifiable[] = [];
  for (const child of list.children) {
    if (typeof child === "string") continue;
    const obj = readIdentifiable(child, ctx, undefined);
    if (obj) out.push(obj);
  }
  return out;
}

export function readIdentifiable(el: XmlElement, ctx: Problems, parentId: string | undefined): Identifiable | undefined {
  if (el.ns !== NS.rim) {
    ctx.error(locationOf(el), `unexpected element ${qualifiedName(el)} in the registry object list`);
    return undefined;
  }
  switch (el.local) {
    case "ExtrinsicObject":
      return readExtrinsicObject(el, ctx);
    case "RegistryPackage":
      return readRegistryPackage(el, ctx);
    case "Association":
      return readAssociation(el, ctx);
    case "Classification":
      return readClassification(el, ctx, parentId);
    case "ExternalIdentifier":
      return readExternalIdentifier(el, ctx, parentId);
    case "ObjectRef":
      return readObjectRef(el, ctx);
    default:
      ctx.error(locationOf(el), `rim:${el.local} is not an XDS registry object`);
      return undefined;
  }
}

export function readObjectRef(el: XmlElement, ctx: Problems): ObjectRef {
  const ref: Mutable<ObjectRef> = { kind: "ObjectRef", id: required(el, "id", ctx) };
  const home = attribute(el, "home");
  if (home !== undefined) ref.home = home;
  return ref;
}

function readExtrinsicObject(el: XmlElement, ctx: Problems): ExtrinsicObject {
  const base = readBase(el, ctx, undefined);
  const obj: Mutable<ExtrinsicObject> = { kind: "ExtrinsicObject", ...base };
  setIfPresent(obj, "mimeType", attribute(el, "mimeType"));
  setIfPresent(obj, "isOpaque", attribute(el, "isOpaque"));
  for (const c of el.children) {
    if (typeof c !== "string" && c.ns === NS.rim && c.local === "ContentVersionInfo") obj.contentVersionInfo = readVersionInfo(c);
  }
  return obj;
}

function readRegistryPackage(el: XmlElement, ctx: Problems): RegistryPackage {
  return { kind: "RegistryPackage", ...readBase(el, ctx, undefined) };
}

function readAssociation(el: XmlElement, ctx: Problems): RimAssociation {
  const base = readBase(el, ctx, undefined);
  return {
    kind: "Association",
    ...base,
    associationType: required(el, "associationType", ctx),
    sourceObject: required(el, "sourceObject", ctx),
    targetObject: required(el, "targetObject", ctx),
  };
}

function readClassification(el: XmlElement, ctx: Problems, parentId: string | undefined): Classification {
  const base = readBase(el, ctx, undefined);
  // A nested Classification classifies its parent; senders often leave classifiedObject implied there.
  const classifiedObject = attribute(el, "classifiedObject") ?? parentId ?? required(el, "classifiedObject", ctx);
  const obj: Mutable<Classification> = { kind: "Classification", ...base, classifiedObject };
  setIfPresent(obj, "classificationScheme", attribute(el, "classificationScheme"));
  setIfPresent(obj, "classificationNode", attribute(el, "classificationNode"));
  setIfPresent(obj, "nodeRepresentation", attribute(el, "nodeRepresentation"));
  if (obj.classificationScheme === undefined && obj.classificationNode === undefined) {
    ctx.error(base.id || locationOf(el), "a Classification needs a classificationScheme or a classificationNode");
  }
  return obj;
}

function readExternalIdentifier(el: XmlElement, ctx: Problems, parentId: string | undefined): ExternalIdentifier {
  const base = readBase(el, ctx, undefined);
  return {
    kind: "ExternalIdentifier",
    ...base,
    registryObject: attribute(el, "registryObject") ?? parentId ?? required(el, "registryObject", ctx),
    identificationScheme: required(el, "identificationScheme", ctx),
    value: required(el, "value", ctx),
  };
}

/** The attributes and children every RegistryObject has (ebRIM 3.0 §2.5); element order is not enforced. */
function readBase(el: XmlElement, ctx: Problems, _parentId: string | undefined): RegistryObjectBase {
  const id = required(el, "id", ctx);
  const slots: Slot[] = [];
  const classifications: Classification[] = [];
  const externalIdentifiers: ExternalIdentifier[] = [];
  const base: Mutable<RegistryObjectBase> = { id, slots, classifications, externalIdentifiers };
  setIfPresent(base, "lid", attribute(el, "lid"));
  setIfPresent(base, "objectType", attribute(el, "objectType"));
  setIfPresent(base, "status", attribute(el, "status"));
  setIfPresent(base, "home", attribute(el, "home"));
  for (const c of el.children) {
    if (typeof c === "string" || c.ns !== NS.rim) continue;
    switch (c.local) {
      case "Slot":
        slots.push(readSlot(c, ctx));
        break;
      case "Name":
        base.name = readInternationalString(c);
        break;
      case "Description":
        base.description = readInternationalString(c);
        break;
      case "VersionInfo":
        base.versionInfo = readVersionInfo(c);
        break;
      case "Classification":
        classifications.push(readClassification(c, ctx, id));
        break;
      case "ExternalIdentifier":
        externalIdentifiers.push(readExternalIdentifier(c, ctx, id));
        break;
      default:
        break;
    }
  }
  return base;
}

export function readSlot(el: XmlElement, ctx: Problems): Slot {
  const values: string[] = [];
  for (const list of el.children) {
    if (typeof list === "string" || list.ns !== NS.rim || list.local !== "ValueList") continue;
    for (const v of list.children) {
      if (typeof v !== "string" && v.ns === NS.rim && v.local === "Value") values.push(textContent(v));
    }
  }
  const slot: Mutable<Slot> = { name: required(el, "name", ctx), values };
  setIfPresent(slot, "slotType", attribute(el, "slotType"));
  return slot;
}

export function readSlots(parent: XmlElement | undefined, ctx: Problems): Slot[] {
  const out: Slot[] = [];
  if (!parent) return out;
  for (const c of parent.children) {
    if (typeof c !== "string" && c.ns === NS.rim && c.local === "Slot") out.push(readSlot(c, ctx));
  }
  return out;
}

function readInternationalString(el: XmlElement): InternationalString {
  const out: LocalizedString[] = [];
  for (const c of el.children) {
    if (typeof c === "string" || c.ns !== NS.rim || c.local !== "LocalizedString") continue;
    const ls: Mutable<LocalizedString> = { value: attribute(c, "value") ?? "" };
    setIfPresent(ls, "lang", attribute(c, "lang", NS.xml));
    setIfPresent(ls, "charset", attribute(c, "charset"));
    out.push(ls);
  }
  return out;
}

function readVersionInfo(el: XmlElement): VersionInfo {
  const v: Mutable<VersionInfo> = {};
  setIfPresent(v, "versionName", attribute(el, "versionName"));
  setIfPresent(v, "comment", attribute(el, "comment"));
  return v;
}

function required(el: XmlElement, name: string, ctx: Problems): string {
  const v = attribute(el, name);
  if (v === undefined || v === "") {
    ctx.error(locationOf(el), `rim:${el.local} has no ${name} attribute`);
    return "";
  }
  return v;
}

function locationOf(el: XmlElement): string {
  return attribute(el, "id") ?? `rim:${el.local}`;
}

function setIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
