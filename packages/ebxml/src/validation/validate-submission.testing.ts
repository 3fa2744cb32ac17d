/** Test support for the validateSubmission tests: the samples as parsed requests, and edits that break one rule at a time. */
import { readFileSync } from "node:fs";
import { parseSubmitObjectsRequest, type SubmitObjectsRequest } from "../messages/submit-objects-request.js";
import type { Classification, ExternalIdentifier, Identifiable, RegistryObject, Slot } from "../rim/rim-types.js";
import { ERROR_SEVERITY } from "../vocabulary.js";
import type { XdsError } from "../xds-error.js";
import { validateSubmission } from "./validate-submission.js";

export const FIXTURES = new URL("../../../../test/fixtures/samples/", import.meta.url);

export function load(path: string): SubmitObjectsRequest {
  const parsed = parseSubmitObjectsRequest(readFileSync(new URL(path, FIXTURES)));
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

export const errorsOnly = (list: readonly XdsError[]) => list.filter((e) => e.severity === ERROR_SEVERITY.error);
export const summary = (list: readonly XdsError[]) => list.map((e) => `${e.errorCode} @ ${e.location}: ${e.codeContext}`);
export const iti42 = (req: SubmitObjectsRequest) => validateSubmission(req, { transaction: "ITI-42" }).errors;

/** Rebuilds the object list, replacing each object by what `fn` returns (undefined drops it). */
export function edit(req: SubmitObjectsRequest, fn: (o: Identifiable) => Identifiable | readonly Identifiable[] | undefined): SubmitObjectsRequest {
  const objects: Identifiable[] = [];
  for (const o of req.objects) {
    const r = fn(o);
    if (r === undefined) continue;
    if (Array.isArray(r)) objects.push(...(r as readonly Identifiable[]));
    else objects.push(r as Identifiable);
  }
  return { ...req, objects };
}

/** Edits the object with the given id (a RegistryObject), leaving the others as they are. */
export function editObject(req: SubmitObjectsRequest, id: string, fn: (o: RegistryObject) => RegistryObject | undefined): SubmitObjectsRequest {
  return edit(req, (o) => (o.id === id && o.kind !== "ObjectRef" ? fn(o) : o));
}

export const setSlot = (o: RegistryObject, name: string, values: string[]): RegistryObject => ({
  ...o,
  slots: [...o.slots.filter((s) => s.name !== name), { name, values }],
});
export const addSlot = (o: RegistryObject, slot: Slot): RegistryObject => ({ ...o, slots: [...o.slots, slot] });
export const setIdentifier = (o: RegistryObject, scheme: string, value: string): RegistryObject => ({
  ...o,
  externalIdentifiers: o.externalIdentifiers.map((e): ExternalIdentifier => (e.identificationScheme === scheme ? { ...e, value } : e)),
});
export const dropClassifications = (o: RegistryObject, scheme: string): RegistryObject => ({
  ...o,
  classifications: o.classifications.filter((c) => c.classificationScheme !== scheme),
});
export function classification(o: RegistryObject, scheme: string): Classification {
  const c = o.classifications.find((x) => x.classificationScheme === scheme);
  if (!c) throw new Error(`no ${scheme} on ${o.id}`);
  return c;
}
