import { ERROR_SEVERITY, NS, RESPONSE_STATUS, type ResponseStatus } from "../vocabulary.js";
import { readSlots } from "../rim/read-rim.js";
import { writeSlot } from "../rim/write-rim.js";
import type { Problems } from "../problems.js";
import type { Slot } from "../rim/rim-types.js";
import type { XdsError } from "../xds-error.js";
import { attribute, element, firstChild, textContent, type XmlElement } from "../xml/xml-node.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";

/** rs:RegistryError as received: errorCode stays a plain string since peers send codes we do not define. */
export interface RegistryError {
  readonly errorCode: string;
  readonly codeContext: string;
  readonly location?: string;
  readonly severity: string;
  readonly value?: string;
}

/** rs:RegistryResponse (ebRS 3.0 §2.1.3): the answer to ITI-41, 42, 57, 62 and the head of ITI-43's. */
export interface RegistryResponse {
  readonly status: string;
  readonly requestId?: string;
  readonly responseSlots: readonly Slot[];
  readonly errors: readonly RegistryError[];
}

export const REGISTRY_RESPONSE = { ns: NS.rs, local: "RegistryResponse" } as const;

/**
 * The status that goes with a list of errors (ITI TF-3 4.2.4.1): Failure when any has severity Error,
 * otherwise Success (warnings may accompany a Success). PartialSuccess is chosen by the transaction itself.
 */
export function statusFor(errors: readonly XdsError[]): ResponseStatus {
  return errors.some((e) => e.severity === ERROR_SEVERITY.error) ? RESPONSE_STATUS.failure : RESPONSE_STATUS.success;
}

export function registryResponseOf(errors: readonly XdsError[], status: ResponseStatus = statusFor(errors)): RegistryResponse {
  return { status, responseSlots: [], errors: errors.map(toRegistryError) };
}

export function toRegistryError(e: XdsError): RegistryError {
  return { errorCode: e.errorCode, codeContext: e.codeContext, location: e.location, severity: e.severity };
}

export function readRegistryErrorList(parent: XmlElement): RegistryError[] {
  const list = firstChild(parent, NS.rs, "RegistryErrorList");
  const out: RegistryError[] = [];
  if (!list) return out;
  for (const c of list.children) {
    if (typeof c === "string" || c.ns !== NS.rs || c.local !== "RegistryError") continue;
    const e: { -readonly [K in keyof RegistryError]: RegistryError[K] } = {
      errorCode: attribute(c, "errorCode") ?? "",
      codeContext: attribute(c, "codeContext") ?? "",
      severity: attribute(c, "severity") ?? ERROR_SEVERITY.error,
    };
    const location = attribute(c, "location");
    if (location !== undefined) e.location = location;
    const text = textContent(c).trim();
    if (text) e.value = text;
    out.push(e);
  }
  return out;
}

/** RegistryErrorList with highestSeverity, as NIST and IPF write it; absent when there is no error. */
export function writeRegistryErrorList(errors: readonly RegistryError[]): XmlElement | undefined {
  if (errors.length === 0) return undefined;
  const highest = errors.some((e) => e.severity === ERROR_SEVERITY.error) ? ERROR_SEVERITY.error : ERROR_SEVERITY.warning;
  return element(
    NS.rs,
    "RegistryErrorList",
    { highestSeverity: highest },
    errors.map((e) =>
      element(
        NS.rs,
        "RegistryError",
        { codeContext: e.codeContext, errorCode: e.errorCode, location: e.location, severity: e.severity },
        e.value ? [e.value] : [],
      ),
    ),
  );
}

export function readRegistryResponse(el: XmlElement, ctx: Problems): RegistryResponse {
  const status = attribute(el, "status");
  // A response without status is non-conformant (ebRS 3.0 §2.1.3) but its errors are still worth reading.
  if (!status) ctx.warning("RegistryResponse", "RegistryResponse has no status", "XDSRegistryError");
  const res: { -readonly [K in keyof RegistryResponse]: RegistryResponse[K] } = {
    status: status ?? "",
    responseSlots: readSlots(firstChild(el, NS.rs, "ResponseSlotList"), ctx),
    errors: readRegistryErrorList(el),
  };
  const requestId = attribute(el, "requestId");
  if (requestId !== undefined) res.requestId = requestId;
  return res;
}

export function writeRegistryResponse(res: RegistryResponse): XmlElement {
  return element(NS.rs, "RegistryResponse", { status: res.status, requestId: res.requestId }, [
    res.responseSlots.length > 0 && element(NS.rs, "ResponseSlotList", {}, res.responseSlots.map(writeSlot)),
    writeRegistryErrorList(res.errors),
  ]);
}

export function parseRegistryResponse(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, REGISTRY_RESPONSE, readRegistryResponse, options);
}

export function serializeRegistryResponse(res: RegistryResponse): string {
  return serializeMessage(writeRegistryResponse(res));
}
