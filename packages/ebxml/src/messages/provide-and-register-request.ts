import { NS } from "../vocabulary.js";
import type { Problems } from "../problems.js";
import { attribute, element, firstChild, type XmlElement } from "../xml/xml-node.js";
import { readDocumentPayload, writeDocumentPayload, type DocumentPayload } from "./document-payload.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";
import {
  readSubmitObjectsRequest,
  writeSubmitObjectsRequest,
  type SubmitObjectsRequest,
} from "./submit-objects-request.js";

/** xdsb:ProvideAndRegisterDocumentSetRequest (ITI TF-2b 3.41.4.1.2): metadata plus one Document per entry. */
export interface ProvideAndRegisterDocumentSetRequest {
  readonly submitObjectsRequest: SubmitObjectsRequest;
  readonly documents: readonly ProvidedDocument[];
}

export interface ProvidedDocument {
  /** The id of the ExtrinsicObject (DocumentEntry) whose bytes these are. */
  readonly id: string;
  readonly payload: DocumentPayload;
}

export const PROVIDE_AND_REGISTER_REQUEST = { ns: NS.xdsb, local: "ProvideAndRegisterDocumentSetRequest" } as const;

export function readProvideAndRegisterRequest(el: XmlElement, ctx: Problems): ProvideAndRegisterDocumentSetRequest {
  const sor = firstChild(el, NS.lcm, "SubmitObjectsRequest");
  if (!sor) ctx.error("ProvideAndRegisterDocumentSetRequest", "ProvideAndRegisterDocumentSetRequest has no lcm:SubmitObjectsRequest");
  const documents: ProvidedDocument[] = [];
  for (const c of el.children) {
    if (typeof c === "string" || c.ns !== NS.xdsb || c.local !== "Document") continue;
    const id = attribute(c, "id");
    if (!id) {
      ctx.error("Document", "xdsb:Document has no id attribute");
      continue;
    }
    const payload = readDocumentPayload(c, ctx, id);
    if (payload) documents.push({ id, payload });
  }
  return {
    submitObjectsRequest: sor ? readSubmitObjectsRequest(sor, ctx) : { requestSlots: [], objects: [] },
    documents,
  };
}

export function writeProvideAndRegisterRequest(req: ProvideAndRegisterDocumentSetRequest): XmlElement {
  return element(NS.xdsb, "ProvideAndRegisterDocumentSetRequest", {}, [
    writeSubmitObjectsRequest(req.submitObjectsRequest),
    ...req.documents.map((d) => writeDocumentPayload("Document", { id: d.id }, d.payload)),
  ]);
}

export function parseProvideAndRegisterRequest(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, PROVIDE_AND_REGISTER_REQUEST, readProvideAndRegisterRequest, options);
}

export function serializeProvideAndRegisterRequest(req: ProvideAndRegisterDocumentSetRequest): string {
  return serializeMessage(writeProvideAndRegisterRequest(req));
}
