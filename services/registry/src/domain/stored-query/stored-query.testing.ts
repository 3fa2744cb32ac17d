import {
  ACTION,
  OBJECT_STATUS,
  RETURN_TYPE,
  parseAdhocQueryResponse,
  parseRegistryResponse,
  parseSubmitObjectsRequest,
  escapeText,
  parseXml,
  writeAdhocQueryRequest,
  xdsMetadataFromRim,
  type AdhocQueryResponse,
  type RegistryResponse,
  type Slot,
  type XdsMetadata,
  type XmlElement,
} from "@opendsp/ebxml";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RegistryDatabase } from "../../storage/registry-database.js";
import { insertSubmission } from "../../storage/submission.repository.js";
import { soapCall, type ExtraHeaders } from "../../testing/registry-harness.js";

/** Test helpers for ITI-18: build and send stored queries, read the answers, load sample submissions. */

export const SAMPLES = join(import.meta.dirname, "../../../../../test/fixtures/samples");

/** A parameter value as a quoted string ('' doubles a quote, ITI TF-2a 3.18.4.1.2.3.5). */
export function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A parameter value as a list of quoted strings. */
export function listOf(...values: string[]): string {
  return `(${values.map(quoted).join(", ")})`;
}

export function slot(name: string, ...values: string[]): Slot {
  return { name, values };
}

export function queryElement(queryId: string, slots: readonly Slot[], returnType: string = RETURN_TYPE.leafClass): XmlElement {
  return writeAdhocQueryRequest({ requestSlots: [], returnType, returnComposedObjects: "true", query: { id: queryId, slots } });
}

/** Sends an AdhocQueryRequest element through the SOAP endpoint and reads the AdhocQueryResponse. */
export async function sendQuery(app: FastifyInstance, request: XmlElement, headers: ExtraHeaders = {}): Promise<AdhocQueryResponse> {
  const res = await soapCall(app, ACTION.iti18.request, request, headers);
  if (res.status !== 200 || !res.body) throw new Error(`ITI-18 answered HTTP ${res.status}: ${JSON.stringify(res.fault)}`);
  if (res.action !== ACTION.iti18.response) throw new Error(`unexpected response action ${res.action ?? "(none)"}`);
  const parsed = parseAdhocQueryResponse(res.body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

export function storedQuery(
  app: FastifyInstance,
  queryId: string,
  slots: readonly Slot[],
  returnType: string = RETURN_TYPE.leafClass,
  headers: ExtraHeaders = {},
): Promise<AdhocQueryResponse> {
  return sendQuery(app, queryElement(queryId, slots, returnType), headers);
}

/** A NIST testkit query.xml with its $placeholders$ replaced. */
export function nistQuery(path: string, substitutions: Readonly<Record<string, string>>): XmlElement {
  let text = readFileSync(join(SAMPLES, "nist-iheos-toolkit2/testkit/tests", path), "utf8");
  for (const [placeholder, value] of Object.entries(substitutions)) text = text.replaceAll(placeholder, () => escapeText(value));
  if (/\$[a-z_0-9]+\$/i.test(text)) throw new Error(`${path}: a placeholder is left: ${/\$[a-z_0-9]+\$/i.exec(text)?.[0] ?? ""}`);
  return parseXml(text);
}

export function metadataOf(res: AdhocQueryResponse): XdsMetadata {
  return xdsMetadataFromRim(res.objects);
}

export interface ResultCounts {
  readonly documentEntries: number;
  readonly submissionSets: number;
  readonly folders: number;
  readonly associations: number;
  readonly objectRefs: number;
}

export function countsOf(res: AdhocQueryResponse): ResultCounts {
  const md = metadataOf(res);
  return {
    documentEntries: md.documentEntries.length,
    submissionSets: md.submissionSets.length,
    folders: md.folders.length,
    associations: md.associations.length,
    objectRefs: md.objectRefs.length,
  };
}

export const counts = (c: Partial<ResultCounts>): ResultCounts => ({
  documentEntries: 0,
  submissionSets: 0,
  folders: 0,
  associations: 0,
  objectRefs: 0,
  ...c,
});

export function errorCodesOf(res: AdhocQueryResponse | RegistryResponse): string[] {
  return res.errors.map((e) => e.errorCode);
}

/** Registers a sample SubmitObjectsRequest through ITI-42, the registry's real path. */
export async function registerSample(app: FastifyInstance, path: string): Promise<RegistryResponse> {
  const res = await soapCall(app, ACTION.iti42.request, parseXml(readFileSync(join(SAMPLES, path))));
  if (!res.body) throw new Error(`ITI-42 answered a fault: ${JSON.stringify(res.fault)}`);
  const parsed = parseRegistryResponse(res.body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** The entryUUID the registry assigned to the DocumentEntry, SubmissionSet or Folder with this uniqueId. */
export async function entryUuidOf(db: Kysely<RegistryDatabase>, table: "document_entry" | "submission_set" | "folder", uniqueId: string): Promise<string> {
  const row = await db.selectFrom(table).select("entry_uuid").where("unique_id", "=", uniqueId).executeTakeFirstOrThrow();
  return row.entry_uuid;
}

/** Stores views as they are (UUID ids, every object Approved), for what ITI-42 does not register (On-Demand entries). */
export async function insertApproved(db: Kysely<RegistryDatabase>, md: Omit<XdsMetadata, "objectRefs">): Promise<void> {
  const approved = <T extends object>(o: T): T => ({ ...o, availabilityStatus: OBJECT_STATUS.approved });
  const submissionSet = md.submissionSets[0];
  if (!submissionSet) throw new Error("no submission set");
  await db.transaction().execute((tx) =>
    insertSubmission(tx, {
      submissionSet: approved(submissionSet),
      documentEntries: md.documentEntries.map(approved),
      folders: md.folders.map(approved),
      associations: md.associations.map(approved),
    }),
  );
}

/**
 * Stores a sample submission as it is, every object Approved, without ITI-42's checks: for samples ITI-42 refuses
 * as sent. The ids must already be UUIDs.
 */
export async function insertSample(db: Kysely<RegistryDatabase>, path: string): Promise<void> {
  const parsed = parseSubmitObjectsRequest(readFileSync(join(SAMPLES, path)));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await insertApproved(db, xdsMetadataFromRim(parsed.value.objects));
}
