import type { CodesConfig, XmlElement } from "@opendsp/ebxml";
import { createLogger, migrateToLatest, openDatabase, type Database } from "@opendsp/platform";
import { buildSoapRequest, parseSoapEnvelope, parseSoapFault, serializeSoapEnvelope, type SoapFaultInfo } from "@opendsp/soap";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { REGISTRY_MIGRATIONS } from "../../migrations/index.js";
import { REGISTRY_SOAP_PATH, buildApp } from "../app.js";
import { loadRegistryConfig, type RegistryConfig } from "../config.js";
import { startRegistryJobs, type RegistryJobs } from "../jobs/registry-jobs.js";
import type { RegistryDatabase } from "../storage/registry-database.js";

/** The two database engines every integration test runs against. */
export const DATABASE_KINDS = ["postgres", "pglite"] as const;
export type DatabaseKindUnderTest = (typeof DATABASE_KINDS)[number];

export interface RegistryUnderTest {
  readonly app: FastifyInstance;
  readonly db: Kysely<RegistryDatabase>;
  readonly config: RegistryConfig;
  /** The job queue, when started with `jobs: true` (REDIS_URL and REGISTRY_JOBS_PREFIX from `env`). */
  readonly jobs: RegistryJobs | undefined;
  close(): Promise<void>;
}

/**
 * A registry on a fresh database of the given kind (a new database on the local PostgreSQL server, or an
 * in-memory PGlite), migrated, with the given codes (undefined: open domain) and config overrides.
 */
export async function startRegistry(
  kind: DatabaseKindUnderTest,
  options: { codes?: CodesConfig; env?: Record<string, string>; jobs?: boolean } = {},
): Promise<RegistryUnderTest> {
  let testDb: TestDatabase | undefined;
  let database: Database<RegistryDatabase>;
  if (kind === "postgres") {
    testDb = await createPostgresTestDatabase("opendsp_registry");
    database = await openDatabase<RegistryDatabase>({ url: testDb.url, maxConnections: 5 });
  } else {
    database = await openDatabase<RegistryDatabase>({});
  }
  await migrateToLatest(database.db as Kysely<unknown>, REGISTRY_MIGRATIONS);
  const config = loadRegistryConfig({ HL7_MLLP_PORT: "-1", ...options.env });
  const logger = createLogger({ service: "registry", level: "silent" });
  const jobs = options.jobs === true ? await startRegistryJobs(config, database.db, logger) : undefined;
  const afterRegistration = jobs ? { afterRegistration: (uuid: string) => jobs.statistics.afterRegistration(uuid) } : {};
  const app = buildApp({ config, db: database.db, codes: options.codes, auditWritten: () => undefined, ...afterRegistration }, logger);
  await app.ready();
  return {
    app,
    db: database.db,
    config,
    jobs,
    close: async () => {
      await app.close();
      await jobs?.close();
      await database.close();
      await testDb?.drop();
    },
  };
}

export interface SoapCallResult {
  readonly status: number;
  readonly contentType: string;
  /** The response body element (RegistryResponse, AdhocQueryResponse, ...) when the answer is not a Fault. */
  readonly body?: XmlElement;
  readonly fault?: SoapFaultInfo;
  readonly relatesTo?: readonly string[];
  readonly action?: string;
}

/** HTTP headers sent beside the SOAP message, as the gateway adds them (X-OpenDSP-Access). */
export type ExtraHeaders = Readonly<Record<string, string | string[]>>;

/** Sends one SOAP 1.2 request with WS-Addressing to the registry endpoint, as a document source would. */
export async function soapCall(app: FastifyInstance, action: string, body: XmlElement, headers: ExtraHeaders = {}): Promise<SoapCallResult> {
  const { envelope } = buildSoapRequest({ action, to: `http://localhost${REGISTRY_SOAP_PATH}`, body });
  return postSoap(app, serializeSoapEnvelope(envelope), `application/soap+xml; charset=UTF-8; action="${action}"`, headers);
}

/** Posts raw bytes (a captured message) to the registry endpoint and reads the answer. */
export async function postSoap(app: FastifyInstance, payload: string | Buffer, contentType: string, headers: ExtraHeaders = {}): Promise<SoapCallResult> {
  const res = await app.inject({ method: "POST", url: REGISTRY_SOAP_PATH, headers: { ...headers, "content-type": contentType }, payload });
  const fault = parseSoapFault(res.body);
  if (fault) return { status: res.statusCode, contentType: String(res.headers["content-type"]), fault };
  const envelope = parseSoapEnvelope(res.body);
  return {
    status: res.statusCode,
    contentType: String(res.headers["content-type"]),
    body: envelope.body,
    ...(envelope.addressing.relatesTo ? { relatesTo: envelope.addressing.relatesTo } : {}),
    ...(envelope.addressing.action ? { action: envelope.addressing.action } : {}),
  };
}
