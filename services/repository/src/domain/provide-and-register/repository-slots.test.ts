import { NS, SLOT, attribute, childElements, parseXml, textContent, writeXml, type XmlElement } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { withRepositorySlots } from "./repository-slots.js";

const SOR = `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}" xmlns:x="urn:example:extra"><rim:RegistryObjectList>
  <rim:ExtrinsicObject id="Document01" mimeType="text/plain" x:custom="kept">
    <rim:Slot name="creationTime"><rim:ValueList><rim:Value>20240101</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="hash"><rim:ValueList><rim:Value>ABCDEF</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="urn:example:extra"><rim:ValueList><rim:Value>extra</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="hash"><rim:ValueList><rim:Value>repeated</rim:Value></rim:ValueList></rim:Slot>
    <rim:Name><rim:LocalizedString value="title"/></rim:Name>
    <rim:Classification id="c1" classifiedObject="Document01" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a" nodeRepresentation="x"/>
  </rim:ExtrinsicObject>
  <rim:ExtrinsicObject id="Document02" mimeType="text/plain"><rim:Name><rim:LocalizedString value="two"/></rim:Name></rim:ExtrinsicObject>
  <rim:ExtrinsicObject id="Other" mimeType="text/plain"/>
  <rim:RegistryPackage id="SubmissionSet01"/>
</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;

function slotsOf(eo: XmlElement): [string, string][] {
  return childElements(eo)
    .filter((c) => c.local === "Slot")
    .map((s) => [attribute(s, "name") ?? "", textContent(s).trim()]);
}

describe("withRepositorySlots", () => {
  const values = new Map([
    ["Document01", { hash: "0123456789abcdef0123456789abcdef01234567", size: 42, repositoryUniqueId: "1.2.3" }],
    ["Document02", { hash: "fedcba9876543210fedcba9876543210fedcba98", size: 0, repositoryUniqueId: "1.2.3" }],
  ]);
  const input = parseXml(SOR);
  const result = withRepositorySlots(input, values);
  const inputObjects = childElements(childElements(input)[0] as XmlElement);
  const [list] = childElements(result);
  const objects = list ? childElements(list) : [];

  it("replaces a slot in place (dropping its repeats) and adds the missing ones after the last slot", () => {
    expect(slotsOf(objects[0] as XmlElement)).toEqual([
      ["creationTime", "20240101"],
      [SLOT.hash, "0123456789abcdef0123456789abcdef01234567"],
      ["urn:example:extra", "extra"],
      [SLOT.size, "42"],
      [SLOT.repositoryUniqueId, "1.2.3"],
    ]);
    // Name and Classification still follow the slots (ebRIM order), foreign attributes are kept.
    expect(childElements(objects[0] as XmlElement).map((c) => c.local)).toEqual(["Slot", "Slot", "Slot", "Slot", "Slot", "Name", "Classification"]);
    expect(attribute(objects[0] as XmlElement, "custom", "urn:example:extra")).toBe("kept");
  });

  it("puts the slots first in an object that had none, and leaves other objects untouched", () => {
    expect(childElements(objects[1] as XmlElement).map((c) => c.local)).toEqual(["Slot", "Slot", "Slot", "Name"]);
    expect(slotsOf(objects[1] as XmlElement)).toEqual([
      [SLOT.hash, "fedcba9876543210fedcba9876543210fedcba98"],
      [SLOT.size, "0"],
      [SLOT.repositoryUniqueId, "1.2.3"],
    ]);
    expect(objects[2]).toBe(inputObjects[2]);
    expect(objects[3]).toBe(inputObjects[3]);
    expect(writeXml(input)).toBe(writeXml(parseXml(SOR)));
  });
});
