import { NS } from "../vocabulary.js";
import { element, type XmlAttribute, type XmlElement, type XmlNode } from "../xml/xml-node.js";
import type {
  Classification,
  ExternalIdentifier,
  Identifiable,
  InternationalString,
  RegistryObjectBase,
  Slot,
  VersionInfo,
} from "./rim-types.js";

/** Writes identifiables in the element order rim.xsd prescribes (Slot, Name, Description, VersionInfo, ...). */
export function writeIdentifiable(obj: Identifiable): XmlElement {
  switch (obj.kind) {
    case "ObjectRef":
      return element(NS.rim, "ObjectRef", { id: obj.id, home: obj.home });
    case "ExtrinsicObject":
      return element(
        NS.rim,
        "ExtrinsicObject",
        { ...baseAttributes(obj), mimeType: obj.mimeType, isOpaque: obj.isOpaque },
        [...baseChildren(obj), obj.contentVersionInfo && writeVersionInfo("ContentVersionInfo", obj.contentVersionInfo)],
      );
    case "RegistryPackage":
      return element(NS.rim, "RegistryPackage", baseAttributes(obj), baseChildren(obj));
    case "Association":
      return element(
        NS.rim,
        "Association",
        {
          ...baseAttributes(obj),
          associationType: obj.associationType,
          sourceObject: obj.sourceObject,
          targetObject: obj.targetObject,
        },
        baseChildren(obj),
      );
    case "Classification":
      return writeClassification(obj);
    case "ExternalIdentifier":
      return writeExternalIdentifier(obj);
  }
}

function writeClassification(c: Classification): XmlElement {
  return element(
    NS.rim,
    "Classification",
    {
      ...baseAttributes(c),
      classificationScheme: c.classificationScheme,
      classifiedObject: c.classifiedObject,
      classificationNode: c.classificationNode,
      nodeRepresentation: c.nodeRepresentation,
    },
    baseChildren(c),
  );
}

function writeExternalIdentifier(e: ExternalIdentifier): XmlElement {
  return element(
    NS.rim,
    "ExternalIdentifier",
    {
      ...baseAttributes(e),
      registryObject: e.registryObject,
      identificationScheme: e.identificationScheme,
      value: e.value,
    },
    baseChildren(e),
  );
}

function baseAttributes(o: RegistryObjectBase): Record<string, string | undefined> {
  return { id: o.id, lid: o.lid, objectType: o.objectType, status: o.status, home: o.home };
}

function baseChildren(o: RegistryObjectBase): (XmlNode | undefined)[] {
  return [
    ...o.slots.map(writeSlot),
    o.name && writeInternationalString("Name", o.name),
    o.description && writeInternationalString("Description", o.description),
    o.versionInfo && writeVersionInfo("VersionInfo", o.versionInfo),
    ...o.classifications.map(writeClassification),
    ...o.externalIdentifiers.map(writeExternalIdentifier),
  ];
}

export function writeSlot(s: Slot): XmlElement {
  return element(NS.rim, "Slot", { name: s.name, slotType: s.slotType }, [
    element(
      NS.rim,
      "ValueList",
      {},
      s.values.map((v) => element(NS.rim, "Value", {}, v === "" ? [] : [v])),
    ),
  ]);
}

function writeInternationalString(local: "Name" | "Description", value: InternationalString): XmlElement {
  return element(
    NS.rim,
    local,
    {},
    value.map((ls) => {
      const attrs: XmlAttribute[] = [];
      if (ls.charset !== undefined) attrs.push({ ns: "", local: "charset", value: ls.charset });
      if (ls.lang !== undefined) attrs.push({ ns: NS.xml, local: "lang", value: ls.lang });
      attrs.push({ ns: "", local: "value", value: ls.value });
      return { ns: NS.rim, local: "LocalizedString", attrs, children: [] };
    }),
  );
}

function writeVersionInfo(local: "VersionInfo" | "ContentVersionInfo", v: VersionInfo): XmlElement {
  return element(NS.rim, local, { versionName: v.versionName, comment: v.comment });
}
