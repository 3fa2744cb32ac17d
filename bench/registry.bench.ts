import { ACTION, ASSOCIATION_TYPE, OBJECT_STATUS, STORED_QUERY, writeAdhocQueryRequest } from "@opendsp/ebxml";
import { randomUUID } from "node:crypto";
import { appendAuditRecord, migrateToLatest, openDatabase } from "@opendsp/platform";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import {
  TEST_POSTGRES_ADMIN_URL,
  cpuTimeMs,
  dischargeLetterEntry,
  postgresCpuBetween,
  registerRequestElement,
  runAdminStatement as admin,
  samplePostgresCpu,
  startRegistryProcess,
  submissionSetFor,
} from "@opendsp/testing";
import { parseArgs } from "node:util";
import { sql, type Kysely } from "kysely";
import { REGISTRY_MIGRATIONS } from "../services/registry/migrations/index.js";
import { registryAuditor } from "../services/registry/src/audit/registry-audit-record.js";
import type { RegistryDatabase } from "../services/registry/src/storage/registry-database.js";
import { addSubmissionRows, emptyRows, insertRows } from "../services/registry/src/storage/submission.repository.js";
import { closeConnections, postForText } from "./http-post.js";
import { openLeanHttpConnection } from "./lean-http-connection.js";
import { PATIENT_WITH_50, bulkLoad, patientIdOf } from "./registry/bulk-load.js";

/**
 * `pnpm bench:registry [--documents N] [--reuse]`: loads N documents (default 1,000,000) into a PostgreSQL database
 * of its own, then prints ITI-42 throughput and FindDocuments latency through the registry's SOAP endpoint, each
 * beside the same work done as raw SQL. Targets: ITI-42 >= 500/s; FindDocuments p99 <= 10 ms and <= 1.5 x SQL.
 */
const { values: args } = parseArgs({
  options: { documents: { type: "string", default: "1000000" }, reuse: { type: "boolean", default: false } },
});
const TOTAL = Number(args.documents);
const DB_NAME = process.env["BENCH_REGISTRY_DB"] ?? "opendsp_bench_registry";
const CLIENTS = 4;
const SUBMISSIONS = 2000;
// Untimed submissions per side before the timed rounds: a registry just started runs its first 500 submissions at
// about two thirds of its steady rate while V8 compiles its hot paths, and a registry in service is long past that.
const WARMUP_SUBMISSIONS = 500;
// A p99 of 2,000 latencies is their 20th slowest, which moved by a millisecond from run to run; 6,000 steady it.
const QUERIES = 6000;
const LATENCY_ROUNDS = 10;
// Untimed queries per side first: the registry's FindDocuments p50 settles only after about 1,000 queries (2.2 ms
// over queries 50-100, 1.8 ms over 300-500, 1.6 ms from 1,200 on) while V8 optimises its path.
const LATENCY_WARMUP = 1000;
const THROUGHPUT_ROUNDS = 4;

const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
dbUrl.pathname = `/${DB_NAME}`;


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** CPU time (ms) used by the registry process and by the PostgreSQL backends of the bench database. */
interface CpuUse {
  registry: number;
  postgres: number;
}

/**
 * Adds the CPU time the registry process and the database's backends use while `work` runs to `into`: unlike
 * throughput and latency, CPU per request hardly changes with what else runs on a shared machine.
 */
async function chargeCpu<T>(into: CpuUse, registryPid: number, work: () => Promise<T>): Promise<T> {
  const [registryBefore, postgresBefore] = await Promise.all([cpuTimeMs(registryPid), samplePostgresCpu(DB_NAME)]);
  const result = await work();
  const [registryAfter, postgresAfter] = await Promise.all([cpuTimeMs(registryPid), samplePostgresCpu(DB_NAME)]);
  into.registry += registryAfter - registryBefore;
  into.postgres += postgresCpuBetween(postgresBefore, postgresAfter);
  return result;
}

function noCpu(): CpuUse {
  return { registry: 0, postgres: 0 };
}

/** Runs requests `from` .. `to` - 1 with `concurrency` clients; `work(i, client)` sends request i as client `client`. */
async function runRange(from: number, to: number, concurrency: number, work: (i: number, client: number) => Promise<void>): Promise<number> {
  let next = from;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (next < to) await work(next++, client);
    }),
  );
  return performance.now() - start;
}

/**
 * Throughput (requests/s) of several kinds of work run in alternating rounds of `count / rounds` requests each, so
 * that all meet the same checkpoints: a checkpoint makes the next write of every page log the whole page, which
 * doubles the cost of the writes that follow it, and would otherwise land on whichever side ran then.
 */
async function interleavedThroughput(
  count: number,
  rounds: number,
  concurrency: number,
  works: readonly ((i: number, client: number) => Promise<void>)[],
  charge: (side: number, work: () => Promise<void>) => Promise<void>,
): Promise<number[]> {
  const elapsed = works.map(() => 0);
  const perRound = Math.ceil(count / rounds);
  for (let from = 0; from < count; from += perRound) {
    for (const [side, work] of works.entries()) {
      await charge(side, async () => {
        elapsed[side] = (elapsed[side] ?? 0) + (await runRange(from, Math.min(count, from + perRound), concurrency, work));
      });
    }
  }
  return elapsed.map((ms) => count / (ms / 1000));
}

/**
 * Latencies of several kinds of work measured in alternating rounds, so that all see the same background (autovacuum
 * and checkpoints after the write phases, the other processes' garbage collection) rather than one of them taking it
 * all. `charge` wraps each side's share of a round (CPU accounting).
 */
async function interleavedLatencies(
  count: number,
  rounds: number,
  works: readonly (() => Promise<void>)[],
  charge: (side: number, work: () => Promise<void>) => Promise<void>,
): Promise<{ p50: number; p99: number }[]> {
  for (let i = 0; i < LATENCY_WARMUP; i++) {
    for (const work of works) await work();
  }
  const times: number[][] = works.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [side, work] of works.entries()) {
      await charge(side, async () => {
        for (let i = 0; i < count / rounds; i++) {
          const t = performance.now();
          await work();
          times[side]?.push(performance.now() - t);
        }
      });
    }
  }
  return times.map((list) => {
    list.sort((x, y) => x - y);
    return { p50: percentile(list, 50), p99: percentile(list, 99) };
  });
}

function soapBody(action: string, body: ReturnType<typeof registerRequestElement>): string {
  return serializeSoapEnvelope(buildSoapRequest({ action, body }).envelope);
}

async function main(): Promise<void> {
  if (!args.reuse) {
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DB_NAME}`);
  }
  const database = await openDatabase<RegistryDatabase>({ url: dbUrl.toString(), maxConnections: CLIENTS + 1 });
  const db = database.db;
  await migrateToLatest(db as Kysely<unknown>, REGISTRY_MIGRATIONS);
  const have = Number((await db.selectFrom("document_entry").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  if (have < TOTAL) {
    const loadStart = performance.now();
    const loaded = await bulkLoad(db, TOTAL);
    await sql`ANALYZE`.execute(db);
    console.log(`loaded ${loaded.documents.toLocaleString("en")} documents for ${loaded.patients.toLocaleString("en")} patients in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);
  } else {
    console.log(`reusing ${have.toLocaleString("en")} registered documents`);
  }
  // A registry's relay deletes each audit row once the audit service has it, so its outbox holds what is in transit.
  // The bench runs no relay: without this, every run would leave its rows (some 16,000) to the next, whose audit
  // inserts would then go into an ever larger table and index.
  await sql`TRUNCATE audit_outbox`.execute(db);

  const patients = Number((await db.selectFrom("patient").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  // Submissions go to loaded patients other than the one the latency test reads.
  const submitter = (i: number): string => patientIdOf(1 + (i % Math.max(1, Math.min(500, patients - 1))));
  // The registry as its own process, so clients and server do not share one event loop.
  const registry = await startRegistryProcess({ DATABASE_URL: dbUrl.toString(), REGISTRY_CODES: "open" });
  try {
    // ITI-42: 1-document submissions for loaded patients, bodies built before the clock starts.
    const bodies = Array.from({ length: WARMUP_SUBMISSIONS + SUBMISSIONS }, (_, i) => {
      const patient = submitter(i);
      return Buffer.from(soapBody(ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [dischargeLetterEntry(patient)] })));
    });
    // The clients share the 2 cores with the registry and PostgreSQL: lean connections (lean-http-connection.ts)
    // keep their own work and garbage out of the figures, as clients on other machines would.
    const soapPath = new URL(registry.soapUrl).pathname;
    const connections = await Promise.all(Array.from({ length: CLIENTS }, () => openLeanHttpConnection(registry.soapUrl)));
    const iti42ContentType = `application/soap+xml; charset=UTF-8; action="${ACTION.iti42.request}"`;
    const success = Buffer.from("ResponseStatusType:Success");
    let refused = 0;
    // Baseline: the same rows written by a raw register transaction (no XML, no validation, no lookups). The rows,
    // with their rendered LeafClass XML and JSON, are built before the clock starts, as the SOAP bodies are: the
    // baseline is the SQL transaction alone.
    const requests = Array.from({ length: WARMUP_SUBMISSIONS + SUBMISSIONS }, (_, i) => {
      const patient = submitter(i);
      const approved = { availabilityStatus: OBJECT_STATUS.approved };
      const de = { ...dischargeLetterEntry(patient), entryUuid: `urn:uuid:${randomUUID()}`, ...approved };
      const ss = { ...submissionSetFor(patient), entryUuid: `urn:uuid:${randomUUID()}`, ...approved };
      const assoc = {
        entryUuid: `urn:uuid:${randomUUID()}`,
        associationType: ASSOCIATION_TYPE.hasMember,
        sourceUuid: ss.entryUuid,
        targetUuid: de.entryUuid,
        submissionSetStatus: "Original",
        extraSlots: [],
        ...approved,
      };
      const rows = emptyRows();
      addSubmissionRows(rows, { submissionSet: ss, documentEntries: [de], folders: [], associations: [assoc] });
      return { rows, patientId: ss.patientId, submissionSetUuid: ss.entryUuid };
    });
    const registerViaSoap = async (i: number, client: number): Promise<void> => {
      const answer = await connections[client]?.post(soapPath, iti42ContentType, bodies[i] ?? Buffer.alloc(0));
      if (answer?.status !== 200 || !answer.body?.includes(success)) refused++;
    };
    const registerRaw = async (i: number): Promise<void> => {
      const r = requests[i];
      if (!r) return;
      await db.transaction().execute(async (tx) => {
        await insertRows(tx, r.rows);
        await appendAuditRecord(tx, registryAuditor({ REGISTRY_AUDIT_SOURCE_ID: "opendsp-registry" }, {}).record({ transaction: "ITI-42", outcome: "success", patientIds: [r.patientId] }));
      });
    };
    await runRange(0, WARMUP_SUBMISSIONS, CLIENTS, registerViaSoap);
    await runRange(0, WARMUP_SUBMISSIONS, CLIENTS, registerRaw);
    const registerCpu: CpuUse[] = [noCpu(), noCpu()];
    const [iti42 = Number.NaN, rawRegister = Number.NaN] = await interleavedThroughput(
      SUBMISSIONS,
      THROUGHPUT_ROUNDS,
      CLIENTS,
      [(i, client) => registerViaSoap(WARMUP_SUBMISSIONS + i, client), (i) => registerRaw(WARMUP_SUBMISSIONS + i)],
      (side, work) => chargeCpu(registerCpu[side] ?? noCpu(), registry.pid, work),
    );
    const [iti42Cpu = noCpu(), rawCpu = noCpu()] = registerCpu;

    // FindDocuments for the patient with 50 documents, LeafClass, Approved.
    const query = soapBody(
      ACTION.iti18.request,
      writeAdhocQueryRequest({
        requestSlots: [],
        returnType: "LeafClass",
        returnComposedObjects: "true",
        query: {
          id: STORED_QUERY.findDocuments,
          slots: [
            { name: "$XDSDocumentEntryPatientId", values: [`'${PATIENT_WITH_50}'`] },
            { name: "$XDSDocumentEntryStatus", values: [`('${OBJECT_STATUS.approved}')`] },
          ],
        },
      }),
    );
    const iti18ContentType = `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.request}"`;
    // The answer is checked once; the timed calls read it to its last byte into the lean connection's buffer and
    // keep nothing, so the client's own decoding and garbage collection are not charged to the registry.
    const found = (await postForText(registry.soapUrl, iti18ContentType, query)).text.split("<rim:ExtrinsicObject ").length - 1;
    const queryBytes = Buffer.from(query);
    const queryCpu: CpuUse[] = [noCpu(), noCpu(), noCpu()];
    const rawFind = () =>
      db
        .selectFrom("document_entry")
        .select(["entry_uuid", "status", "metadata"])
        .where("patient_id", "=", PATIENT_WITH_50)
        .where("status", "in", [OBJECT_STATUS.approved])
        .where("object_type", "=", "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1")
        .execute();
    // A floor for the registry's answer: the same read plus the audit row every ITI-18 query stores (ITI TF-2a
    // 3.18.5.1.2) before its answer leaves, committed (a WAL flush) as the registry commits it.
    const queryAuditor = registryAuditor({ REGISTRY_AUDIT_SOURCE_ID: "opendsp-registry" }, {});
    const [soapLatency, sqlLatency, auditedSqlLatency] = await interleavedLatencies(
      QUERIES,
      LATENCY_ROUNDS,
      [
        async () => {
          const answer = await connections[0]?.post(soapPath, iti18ContentType, queryBytes);
          if (answer?.status !== 200) throw new Error(`FindDocuments answered HTTP ${String(answer?.status)}`);
        },
        async () => {
          await rawFind();
        },
        async () => {
          await rawFind();
          await appendAuditRecord(db, queryAuditor.record({ transaction: "ITI-18", outcome: "success", patientIds: [PATIENT_WITH_50] }));
        },
      ],
      (side, work) => chargeCpu(queryCpu[side] ?? noCpu(), registry.pid, work),
    );
    if (!soapLatency || !sqlLatency || !auditedSqlLatency) throw new Error("a latency side is missing");
    const [soapCpu = noCpu(), sqlCpu = noCpu(), auditedSqlCpu = noCpu()] = queryCpu;

    const f = (n: number) => n.toFixed(2);
    // CPU per request; Linux counts it in 10 ms ticks, hence no more than two decimals.
    const cpu = (use: CpuUse, requests: number) => `CPU/request: registry ${f(use.registry / requests)} ms, PostgreSQL ${f(use.postgres / requests)} ms`;
    console.log(`registry on PostgreSQL with ${TOTAL.toLocaleString("en")} documents`);
    console.log(`  ITI-42, 1-document submissions, ${CLIENTS} clients, after ${WARMUP_SUBMISSIONS} untimed: ${iti42.toFixed(0)}/s (refused ${refused})  | raw SQL register transaction: ${rawRegister.toFixed(0)}/s  (target >= 500/s)`);
    console.log(`    ${cpu(iti42Cpu, SUBMISSIONS)}  | raw SQL: PostgreSQL ${f(rawCpu.postgres / SUBMISSIONS)} ms`);
    console.log(`  FindDocuments (${found} documents, LeafClass), after ${LATENCY_WARMUP} untimed: p50 ${f(soapLatency.p50)} ms, p99 ${f(soapLatency.p99)} ms  | raw SQL: p50 ${f(sqlLatency.p50)} ms, p99 ${f(sqlLatency.p99)} ms  (target p99 <= 10 ms and <= 1.5 x SQL: ${f(soapLatency.p99 / sqlLatency.p99)} x)`);
    console.log(`    ${cpu(soapCpu, QUERIES)}  | raw SQL: PostgreSQL ${f(sqlCpu.postgres / QUERIES)} ms`);
    // The floor's own ratio to the target's baseline: the registry runs the same two steps one after the other (the
    // audit row's outcome is known once the read is done), so where it passes 1.5 the target is missed before any
    // HTTP or XML work. Beside it, the registry's p99 against the floor: the cost of HTTP, SOAP and XML alone.
    const floorRatios = `${f(auditedSqlLatency.p99 / sqlLatency.p99)} x SQL; registry ${f(soapLatency.p99 / auditedSqlLatency.p99)} x this`;
    console.log(`    raw SQL + committed audit row: p50 ${f(auditedSqlLatency.p50)} ms, p99 ${f(auditedSqlLatency.p99)} ms (${floorRatios}), PostgreSQL ${f(auditedSqlCpu.postgres / QUERIES)} ms CPU/query`);
    for (const c of connections) c.close();
  } finally {
    closeConnections();
    await registry.stop();
    await database.close();
  }
}

await main();
