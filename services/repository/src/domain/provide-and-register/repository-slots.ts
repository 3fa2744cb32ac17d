import { NS, SLOT, attribute, element, isNamed, type XmlElement, type XmlNode } from "@opendsp/ebxml";

/** The values the Document Repository adds to each DocumentEntry before registering it (ITI TF-2b 3.41.4.1.3). */
export interface RepositorySlotValues {
  readonly hash: string;
  readonly size: number;
  readonly repositoryUniqueId: string;
}

/**
 * The lcm:SubmitObjectsRequest of an ITI-41 request with hash, size and repositoryUniqueId set on the
 * ExtrinsicObjects named in `values` (by id), everything else exactly as received: ids, extra slots,
 * classifications, external identifiers, associations, attributes, order. Editing the wire tree rather than
 * rebuilding it from the XDS view is what guarantees that nothing the source sent is lost on the way to the
 * registry (ITI-42 registers the metadata of ITI-41, ITI TF-2b 3.41.4.1.3).
 */
export function withRepositorySlots(submitObjectsRequest: XmlElement, values: ReadonlyMap<string, RepositorySlotValues>): XmlElement {
  return mapChildElements(submitObjectsRequest, (child) => {
    if (!isNamed(child, NS.rim, "RegistryObjectList")) return child;
    return mapChildElements(child, (object) => {
      if (!isNamed(object, NS.rim, "ExtrinsicObject")) return object;
      const id = attribute(object, "id");
      const v = id === undefined ? undefined : values.get(id);
      if (!v) return object;
      return setSlots(object, [
        [SLOT.hash, v.hash],
        [SLOT.size, String(v.size)],
        [SLOT.repositoryUniqueId, v.repositoryUniqueId],
      ]);
    });
  });
}

/**
 * Replaces each named slot in place (dropping repeats of it), or adds it after the object's last rim:Slot: ebRIM 3.0
 * puts every Slot before Name, Description, Classification and ExternalIdentifier (rim.xsd RegistryObjectType).
 */
function setSlots(object: XmlElement, slots: readonly (readonly [string, string])[]): XmlElement {
  let children: XmlNode[] = [...object.children];
  for (const [name, value] of slots) {
    const slot = slotElement(name, value);
    const at = children.findIndex((c) => isSlotNamed(c, name));
    if (at >= 0) {
      children = children.filter((c, i) => i === at || !isSlotNamed(c, name));
      children[at] = slot;
      continue;
    }
    let lastSlot = -1;
    children.forEach((c, i) => {
      if (typeof c !== "string" && isNamed(c, NS.rim, "Slot")) lastSlot = i;
    });
    const firstElement = children.findIndex((c) => typeof c !== "string");
    const insertAt = lastSlot >= 0 ? lastSlot + 1 : firstElement >= 0 ? firstElement : children.length;
    children.splice(insertAt, 0, slot);
  }
  return { ...object, children };
}

function isSlotNamed(node: XmlNode, name: string): boolean {
  return typeof node !== "string" && isNamed(node, NS.rim, "Slot") && attribute(node, "name") === name;
}

function slotElement(name: string, value: string): XmlElement {
  return element(NS.rim, "Slot", { name }, [element(NS.rim, "ValueList", {}, [element(NS.rim, "Value", {}, [value])])]);
}

function mapChildElements(parent: XmlElement, map: (child: XmlElement) => XmlElement): XmlElement {
  return { ...parent, children: parent.children.map((c) => (typeof c === "string" ? c : map(c))) };
}
