import { RESPONSE_STATUS } from "@opendsp/ebxml";
import { countAuditOutbox, encodeActorHeader, openDatabase, type AuditOutboxDatabase, type Database } from "@opendsp/platform";
import { createPostgresTestDatabase, startRegistryProcess, startRepositoryProcess, startServiceProcess, type ServiceProcess, type TestDatabase } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister } from "../../services/repository/src/testing/iti-41-message.builder.js";

/** The columns of the audit store (services/audit) the audit trail tests read. */
interface AuditStore {
  audit_event: { event_id: string; transaction: string };
}

export interface AuditStoreCounts {
  readonly rows: number;
  readonly distinctEventIds: number;
  /** Rows per IHE transaction. */
  readonly byTransaction: Readonly<Record<string, number>>;
}

/** How the registry and repository reach the audit service: its queue on Redis, or its HTTP intake. */
export type AuditRoute = { readonly redisUrl: string; readonly queuePrefix: string } | { readonly http: true };

export interface AuditTrailPlatform {
  /** ITI-41 of one small document for the platform's patient; true when the repository answered Success. */
  submit(): Promise<boolean>;
  /** What the audit store holds now (read straight from its database, whatever the audit service's own link to it). */
  auditStore(): Promise<AuditStoreCounts>;
  /** Rows still waiting in the registry's and the repository's outboxes (pending and held aside). */
  outboxes(): Promise<{ pending: number; heldAside: number }>;
  /** The audit service's dead letter: failed queue jobs and refused intake records. */
  deadLetter(): Promise<{ failedJobs: unknown[]; refusedRecords: unknown[] }>;
  stopAudit(): Promise<void>;
  startAudit(): Promise<void>;
  close(): Promise<void>;
}

const AUDITOR = encodeActorHeader({ kind: "professional", id: "10009999999", roles: ["auditor"] });

/**
 * The audit service, the registry and the repository as their own processes, each on its own PostgreSQL database,
 * delivering by `route`. `auditDatabaseUrl` (a proxy in front of the audit database) is what the audit service is
 * given; the tests read its store directly. One patient is fed before the tests submit.
 */
export async function startAuditTrailPlatform(options: {
  route: AuditRoute;
  auditDatabase: TestDatabase;
  auditDatabaseUrl?: string;
}): Promise<AuditTrailPlatform> {
  const opened: { close(): Promise<void> }[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
  };
  try {
    const registryDb = await createPostgresTestDatabase("opendsp_e2e_registry");
    opened.push({ close: () => registryDb.drop() });
    const repositoryDb = await createPostgresTestDatabase("opendsp_e2e_repository");
    opened.push({ close: () => repositoryDb.drop() });
    const blobDir = await mkdtemp(join(tmpdir(), "opendsp-e2e-blobs-"));
    opened.push({ close: () => rm(blobDir, { recursive: true, force: true }) });

    const queueEnv: Record<string, string> =
      "redisUrl" in options.route ? { REDIS_URL: options.route.redisUrl, AUDIT_QUEUE_PREFIX: options.route.queuePrefix } : {};
    const auditEnv = { AUDIT_PORT: "0", DATABASE_URL: options.auditDatabaseUrl ?? options.auditDatabase.url, ...queueEnv };
    let audit: ServiceProcess | undefined = await startServiceProcess("services/audit/src/main.ts", auditEnv);
    const auditBase = new URL(audit.soapUrl).origin;
    // Started again on the same port, so the registry's and repository's AUDIT_URL stays right.
    const auditPort = new URL(auditBase).port;
    opened.push({ close: async () => audit?.stop() });

    const deliveryEnv = "redisUrl" in options.route ? queueEnv : { AUDIT_URL: auditBase };
    const registry = await startRegistryProcess({ DATABASE_URL: registryDb.url, ...deliveryEnv });
    opened.push({ close: () => registry.stop() });
    const repository = await startRepositoryProcess({
      DATABASE_URL: repositoryDb.url,
      REPOSITORY_DATA_DIR: blobDir,
      REGISTRY_URL: registry.soapUrl,
      REPOSITORY_JOBS_PREFIX: `opendsp-e2e-${randomBytes(4).toString("hex")}:repository`,
      ...deliveryEnv,
    });
    opened.push({ close: () => repository.stop() });

    const store = await openDatabase<AuditStore>({ url: options.auditDatabase.url, maxConnections: 2 });
    opened.push(store);
    const outboxDbs: Database<AuditOutboxDatabase>[] = [];
    for (const url of [registryDb.url, repositoryDb.url]) {
      const db = await openDatabase<AuditOutboxDatabase>({ url, maxConnections: 2 });
      opened.push(db);
      outboxDbs.push(db);
    }

    const patientId = freshPatientId();
    await registry.feedPatient(patientId);

    return {
      async submit() {
        const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(64) }] });
        const answer = await postProvideAndRegister(repository.soapUrl, request);
        return answer.response?.status === RESPONSE_STATUS.success;
      },
      async auditStore() {
        const rows = await store.db
          .selectFrom("audit_event")
          .select((eb) => ["transaction", eb.fn.countAll<string>().as("rows"), eb.fn.count<string>("event_id").distinct().as("distinct")])
          .groupBy("transaction")
          .execute();
        const all = await store.db.selectFrom("audit_event").select((eb) => eb.fn.count<string>("event_id").distinct().as("distinct")).executeTakeFirstOrThrow();
        const byTransaction: Record<string, number> = {};
        for (const r of rows) byTransaction[r.transaction] = Number(r.rows);
        return { rows: rows.reduce((n, r) => n + Number(r.rows), 0), distinctEventIds: Number(all.distinct), byTransaction };
      },
      async outboxes() {
        let pending = 0;
        let heldAside = 0;
        for (const db of outboxDbs) {
          const counted = await countAuditOutbox(db.db);
          pending += counted.pending;
          heldAside += counted.heldAside;
        }
        return { pending, heldAside };
      },
      async deadLetter() {
        const res = await fetch(`${auditBase}/api/audit/admin/dead-letter`, { headers: { "x-opendsp-actor": AUDITOR } });
        if (res.status !== 200) throw new Error(`dead letter: ${res.status} ${await res.text()}`);
        return (await res.json()) as { failedJobs: unknown[]; refusedRecords: unknown[] };
      },
      async stopAudit() {
        await audit?.stop();
        audit = undefined;
      },
      async startAudit() {
        audit ??= await startServiceProcess("services/audit/src/main.ts", { ...auditEnv, AUDIT_PORT: auditPort });
      },
      close: cleanUp,
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

/** Polls until `done` holds, or fails naming `what` and the last value read. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
