import { NS } from "../vocabulary.js";
import type { Problems } from "../problems.js";
import { element, firstChild, textContent, type XmlElement } from "../xml/xml-node.js";
import { readDocumentPayload, writeDocumentPayload, type DocumentPayload } from "./document-payload.js";
import { parseMessage, serializeMessage, type MessageInput, type ParseOptions } from "./message-io.js";
import { readRegistryResponse, writeRegistryResponse, type RegistryResponse } from "./registry-response.js";

/** One xdsb:DocumentRequest of ITI-43 (ITI TF-2b 3.43.4.1.2). */
export interface DocumentRequest {
  readonly homeCommunityId?: string;
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
}

export interface RetrieveDocumentSetRequest {
  readonly documentRequests: readonly DocumentRequest[];
}

/** One xdsb:DocumentResponse of ITI-43 (ITI TF-2b 3.43.4.2.2). */
export interface DocumentResponse {
  readonly homeCommunityId?: string;
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
  readonly newRepositoryUniqueId?: string;
  readonly newDocumentUniqueId?: string;
  readonly mimeType: string;
  readonly payload: DocumentPayload;
}

export interface RetrieveDocumentSetResponse {
  readonly registryResponse: RegistryResponse;
  readonly documentResponses: readonly DocumentResponse[];
}

export const RETRIEVE_DOCUMENT_SET_REQUEST = { ns: NS.xdsb, local: "RetrieveDocumentSetRequest" } as const;
export const RETRIEVE_DOCUMENT_SET_RESPONSE = { ns: NS.xdsb, local: "RetrieveDocumentSetResponse" } as const;

function childText(el: XmlElement, local: string): string | undefined {
  const c = firstChild(el, NS.xdsb, local);
  return c ? textContent(c).trim() : undefined;
}

export function readRetrieveDocumentSetRequest(el: XmlElement, ctx: Problems): RetrieveDocumentSetRequest {
  const documentRequests: DocumentRequest[] = [];
  let n = 0;
  for (const c of el.children) {
    if (typeof c === "string" || c.ns !== NS.xdsb || c.local !== "DocumentRequest") continue;
    n++;
    const repositoryUniqueId = childText(c, "RepositoryUniqueId");
    const documentUniqueId = childText(c, "DocumentUniqueId");
    if (!repositoryUniqueId) ctx.error(`DocumentRequest[${n}]`, "DocumentRequest has no RepositoryUniqueId", "XDSUnknownRepositoryId");
    if (!documentUniqueId) ctx.error(`DocumentRequest[${n}]`, "DocumentRequest has no DocumentUniqueId", "XDSDocumentUniqueIdError");
    const req: { -readonly [K in keyof DocumentRequest]: DocumentRequest[K] } = {
      repositoryUniqueId: repositoryUniqueId ?? "",
      documentUniqueId: documentUniqueId ?? "",
    };
    const home = childText(c, "HomeCommunityId");
    if (home !== undefined) req.homeCommunityId = home;
    documentRequests.push(req);
  }
  if (n === 0) ctx.error("RetrieveDocumentSetRequest", "RetrieveDocumentSetRequest has no DocumentRequest", "XDSRepositoryError");
  return { documentRequests };
}

function idElement(local: string, value: string | undefined): XmlElement | undefined {
  return value === undefined ? undefined : element(NS.xdsb, local, {}, [value]);
}

export function writeRetrieveDocumentSetRequest(req: RetrieveDocumentSetRequest): XmlElement {
  return element(
    NS.xdsb,
    "RetrieveDocumentSetRequest",
    {},
    req.documentRequests.map((d) =>
      element(NS.xdsb, "DocumentRequest", {}, [
        idElement("HomeCommunityId", d.homeCommunityId),
        idElement("RepositoryUniqueId", d.repositoryUniqueId),
        idElement("DocumentUniqueId", d.documentUniqueId),
      ]),
    ),
  );
}

export function readRetrieveDocumentSetResponse(el: XmlElement, ctx: Problems): RetrieveDocumentSetResponse {
  const rr = firstChild(el, NS.rs, "RegistryResponse");
  if (!rr) ctx.error("RetrieveDocumentSetResponse", "RetrieveDocumentSetResponse has no rs:RegistryResponse", "XDSRepositoryError");
  const documentResponses: DocumentResponse[] = [];
  let n = 0;
  for (const c of el.children) {
    if (typeof c === "string" || c.ns !== NS.xdsb || c.local !== "DocumentResponse") continue;
    const location = `DocumentResponse[${++n}]`;
    const doc = firstChild(c, NS.xdsb, "Document");
    const payload = doc ? readDocumentPayload(doc, ctx, location) : undefined;
    if (!doc) ctx.error(location, "DocumentResponse has no Document", "XDSRepositoryError");
    if (!payload) continue;
    const res: { -readonly [K in keyof DocumentResponse]: DocumentResponse[K] } = {
      repositoryUniqueId: childText(c, "RepositoryUniqueId") ?? "",
      documentUniqueId: childText(c, "DocumentUniqueId") ?? "",
      mimeType: childText(c, "mimeType") ?? "",
      payload,
    };
    const optional = {
      homeCommunityId: childText(c, "HomeCommunityId"),
      newRepositoryUniqueId: childText(c, "NewRepositoryUniqueId"),
      newDocumentUniqueId: childText(c, "NewDocumentUniqueId"),
    };
    for (const [k, v] of Object.entries(optional) as [keyof typeof optional, string | undefined][]) {
      if (v !== undefined) res[k] = v;
    }
    documentResponses.push(res);
  }
  return {
    registryResponse: rr ? readRegistryResponse(rr, ctx) : { status: "", responseSlots: [], errors: [] },
    documentResponses,
  };
}

export function writeRetrieveDocumentSetResponse(res: RetrieveDocumentSetResponse): XmlElement {
  return element(NS.xdsb, "RetrieveDocumentSetResponse", {}, [
    writeRegistryResponse(res.registryResponse),
    ...res.documentResponses.map((d) =>
      element(NS.xdsb, "DocumentResponse", {}, [
        idElement("HomeCommunityId", d.homeCommunityId),
        idElement("RepositoryUniqueId", d.repositoryUniqueId),
        idElement("DocumentUniqueId", d.documentUniqueId),
        idElement("NewRepositoryUniqueId", d.newRepositoryUniqueId),
        idElement("NewDocumentUniqueId", d.newDocumentUniqueId),
        idElement("mimeType", d.mimeType),
        writeDocumentPayload("Document", {}, d.payload),
      ]),
    ),
  ]);
}

export function parseRetrieveDocumentSetRequest(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, RETRIEVE_DOCUMENT_SET_REQUEST, readRetrieveDocumentSetRequest, options);
}

export function serializeRetrieveDocumentSetRequest(req: RetrieveDocumentSetRequest): string {
  return serializeMessage(writeRetrieveDocumentSetRequest(req));
}

export function parseRetrieveDocumentSetResponse(input: MessageInput, options?: ParseOptions) {
  return parseMessage(input, RETRIEVE_DOCUMENT_SET_RESPONSE, readRetrieveDocumentSetResponse, options);
}

export function serializeRetrieveDocumentSetResponse(res: RetrieveDocumentSetResponse): string {
  return serializeMessage(writeRetrieveDocumentSetResponse(res));
}
