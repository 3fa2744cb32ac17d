import { createBlobStore, openDatabase, type BlobStore } from "@opendsp/platform";
import { startRegistryProcess, startS3TestServer, type RegistryProcess, type S3TestServer } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { RepositoryDatabase } from "../services/repository/src/storage/repository-database.js";
import { benchDatabaseUrl, dropDatabases, recreateDatabases } from "./bench-databases.js";
import { closeConnections } from "./http-post.js";
import { generatedDocument, residentBytes, sampleResidentMemory, startRepositoryProcess, type ServiceProcess, type ServiceProcess as RepositoryProcess } from "@opendsp/testing";
import { startBareRelay } from "./start-bare-relay.js";
import { prepareSubmission, retrieveAndHash, retrieveBytes, retrieveEnvelope, submit } from "./repository/xds-bench-client.js";

/**
 * `pnpm bench:repository [--submissions N] [--retrieves N] [--big-mib N]`: the repository as its own process on
 * PostgreSQL and an S3 server (s3rver), the real registry behind it. Prints ITI-41 throughput beside the same bytes
 * and rows written raw, ITI-43 throughput beside raw blob-store reads, and the repository's RSS while a 1 GiB
 * document goes in by ITI-41 and out by ITI-43.
 * Targets: ITI-41 >= 0.5 x raw; ITI-43 >= 0.8 x raw; < 100 MB RSS growth for the 1 GiB document.
 */
const { values: args } = parseArgs({
  options: {
    submissions: { type: "string", default: "400" },
    retrieves: { type: "string", default: "100" },
    "big-mib": { type: "string", default: "1024" },
  },
});
const KiB = 1024;
const MiB = 1024 * KiB;
const CLIENTS = 4;
const SUBMISSIONS = Number(args.submissions);
const SUBMISSION_BYTES = 100 * KiB;
const RETRIEVES = Number(args.retrieves);
const RETRIEVE_BYTES = MiB;
const RETRIEVE_DOCUMENTS = 20;
const BIG_BYTES = Number(args["big-mib"]) * MiB;
const REPOSITORY_UNIQUE_ID = "1.3.6.1.4.1.59999.3.1";
const PATIENT = `BENCH${Date.now()}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const DB_REGISTRY = "opendsp_bench_repo_registry";
const DB_REPOSITORY = "opendsp_bench_repository";
const BUCKET = "opendsp-bench";

/** Runs `count` jobs on `concurrency` workers; returns the elapsed seconds. */
async function timed(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

const sha1 = (b: Buffer): string => createHash("sha1").update(b).digest("hex");
const mib = (bytes: number): string => (bytes / MiB).toFixed(1);
const ratio = (a: number, b: number): string => (a / b).toFixed(2);

interface Stack {
  s3?: S3TestServer;
  registry?: RegistryProcess;
  repository?: RepositoryProcess;
  relay?: ServiceProcess;
  close?: () => Promise<void>;
}

async function main(): Promise<void> {
  const stack: Stack = {};
  try {
    await recreateDatabases([DB_REGISTRY, DB_REPOSITORY]);
    const s3 = (stack.s3 = await startS3TestServer());
    const registry = (stack.registry = await startRegistryProcess({ DATABASE_URL: benchDatabaseUrl(DB_REGISTRY) }));
    await registry.feedPatient(PATIENT);
    const s3Env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_BUCKET: BUCKET };
    const repository = (stack.repository = await startRepositoryProcess({
      ...s3Env,
      REGISTRY_URL: registry.soapUrl,
      DATABASE_URL: benchDatabaseUrl(DB_REPOSITORY),
      REPOSITORY_UNIQUE_ID,
      REPOSITORY_DATA_DIR: join(tmpdir(), "opendsp-bench-repository"),
    }));
    const startupRss = await residentBytes(repository.pid);

    // The baselines' own connections to the same database and bucket.
    const database = await openDatabase<RepositoryDatabase>({ url: benchDatabaseUrl(DB_REPOSITORY), maxConnections: CLIENTS + 1 });
    stack.close = () => database.close();
    const db: Kysely<RepositoryDatabase> = database.db;
    const blobs: BlobStore = createBlobStore({ ...s3Env, dataDir: tmpdir() });
    await blobs.ensureReady();
    // The same gets through a bare node:http relay (bare-relay.ts): what one more HTTP hop costs on this machine
    // with no work in it, the floor under any repository between the client and the blob store.
    const relay = (stack.relay = await startBareRelay(s3.endpoint));
    const relayedBlobs: BlobStore = createBlobStore({ ...s3Env, S3_ENDPOINT: new URL(relay.soapUrl).origin, dataDir: tmpdir() });
    const url = repository.soapUrl;

    // Warm-up: JIT, connection pools, the patient lookup path.
    for (let i = 0; i < 12; i++) await submit(url, prepareSubmission(PATIENT), randomBytes(SUBMISSION_BYTES));

    // ITI-41: one 100 KiB document per submission, 4 clients; envelopes and bytes built before the clock starts.
    const documents = Array.from({ length: SUBMISSIONS }, () => randomBytes(SUBMISSION_BYTES));
    const submissions = documents.map(() => prepareSubmission(PATIENT));
    const iti41Seconds = await timed(SUBMISSIONS, CLIENTS, (i) => submit(url, submissions[i]!, documents[i]!));
    // Baseline: the same bytes put to the blob store and the same stored_document row, no XML, no registry.
    const rawPutSeconds = await timed(SUBMISSIONS, CLIENTS, async (i) => {
      const bytes = documents[i]!;
      const blobKey = `bench-baseline/${randomUUID()}`;
      const { size } = await blobs.put(blobKey, Readable.from([bytes]), { contentType: "application/pdf" });
      await db
        .insertInto("stored_document")
        .values({ document_unique_id: `2.25.${BigInt(`0x${randomUUID().replaceAll("-", "")}`)}`, blob_key: blobKey, mime_type: "application/pdf", size, hash: sha1(bytes), state: "registered", registered_at: new Date() })
        .execute();
    });
    const iti41Rate = SUBMISSIONS / iti41Seconds;
    const rawPutRate = SUBMISSIONS / rawPutSeconds;

    // ITI-43: 1 MiB documents submitted once, then retrieved in turn by 4 clients.
    const retrievable = Array.from({ length: RETRIEVE_DOCUMENTS }, () => ({ bytes: randomBytes(RETRIEVE_BYTES), submission: prepareSubmission(PATIENT) }));
    await timed(RETRIEVE_DOCUMENTS, CLIENTS, (i) => submit(url, retrievable[i]!.submission, retrievable[i]!.bytes));
    const envelopes = retrievable.map((d) => retrieveEnvelope(REPOSITORY_UNIQUE_ID, d.submission.documentUniqueId));
    // One full client-side check (status, parts, hash) before the loop, which only counts bytes.
    const check = await retrieveAndHash(url, envelopes[0]!);
    if (check.sha1 !== sha1(retrievable[0]!.bytes)) throw new Error("ITI-43 returned other bytes than were submitted");
    const rows = await db
      .selectFrom("stored_document")
      .select(["document_unique_id", "blob_key"])
      .where("document_unique_id", "in", retrievable.map((d) => d.submission.documentUniqueId))
      .execute();
    const keys = new Map(rows.map((r) => [r.document_unique_id, r.blob_key]));
    const blobKeys = retrievable.map((d) => keys.get(d.submission.documentUniqueId) ?? "");
    for (let i = 0; i < 8; i++) await retrieveBytes(url, envelopes[i % RETRIEVE_DOCUMENTS]!);
    let retrievedBytes = 0;
    const iti43Seconds = await timed(RETRIEVES, CLIENTS, async (i) => {
      const n = await retrieveBytes(url, envelopes[i % RETRIEVE_DOCUMENTS]!);
      retrievedBytes += n;
    });
    let rawBytes = 0;
    const rawGetSeconds = await timed(RETRIEVES, CLIENTS, async (i) => {
      const n = await drain(await blobs.get(blobKeys[i % RETRIEVE_DOCUMENTS]!));
      rawBytes += n;
    });
    let relayedBytes = 0;
    const relayedGetSeconds = await timed(RETRIEVES, CLIENTS, async (i) => {
      const n = await drain(await relayedBlobs.get(blobKeys[i % RETRIEVE_DOCUMENTS]!));
      relayedBytes += n;
    });
    if (rawBytes !== RETRIEVES * RETRIEVE_BYTES) throw new Error(`raw gets read ${rawBytes} bytes`);
    if (relayedBytes !== RETRIEVES * RETRIEVE_BYTES) throw new Error(`relayed gets read ${relayedBytes} bytes`);
    if (retrievedBytes < RETRIEVES * RETRIEVE_BYTES) throw new Error(`ITI-43 answers carried only ${retrievedBytes} bytes`);
    // Document bytes per second on both sides (the MIME and XML framing of ITI-43 is not counted).
    const iti43Rate = (RETRIEVES * RETRIEVE_BYTES) / MiB / iti43Seconds;
    const rawGetRate = (RETRIEVES * RETRIEVE_BYTES) / MiB / rawGetSeconds;
    const relayedGetRate = (RETRIEVES * RETRIEVE_BYTES) / MiB / relayedGetSeconds;

    // The big document: generated while it is sent, hashed on both ways, the repository's RSS sampled every 50 ms.
    await sleep(1000);
    const bigBaseline = await residentBytes(repository.pid);
    const sampler = sampleResidentMemory(repository.pid, 50);
    const big = prepareSubmission(PATIENT);
    const generated = generatedDocument(BIG_BYTES);
    const t0 = performance.now();
    await submit(url, big, generated.stream);
    const t1 = performance.now();
    const back = await retrieveAndHash(url, retrieveEnvelope(REPOSITORY_UNIQUE_ID, big.documentUniqueId));
    const t2 = performance.now();
    const memory = await sampler.stop();
    const identical = back.size === BIG_BYTES && back.sha1 === generated.sha1();
    const growth = memory.peak - bigBaseline;

    console.log(`repository on PostgreSQL + s3rver, registry process, ${CLIENTS} concurrent clients (startup RSS ${mib(startupRss)} MiB)`);
    console.log(
      `  ITI-41, ${SUBMISSIONS} submissions of 100 KiB (MTOM): ${iti41Rate.toFixed(1)} submissions/s  | raw blob put + row insert: ${rawPutRate.toFixed(1)}/s  -> ${ratio(iti41Rate, rawPutRate)} x (target >= 0.5 x)`,
    );
    console.log(
      `  ITI-43, ${RETRIEVES} retrieves of 1 MiB (MTOM): ${iti43Rate.toFixed(1)} MiB/s  | raw blob-store gets: ${rawGetRate.toFixed(1)} MiB/s  -> ${ratio(iti43Rate, rawGetRate)} x (target >= 0.8 x)\n` +
        `    the same gets through a bare node:http relay: ${relayedGetRate.toFixed(1)} MiB/s -> ${ratio(relayedGetRate, rawGetRate)} x (one HTTP hop with no work)`,
    );
    console.log(
      `  ${mib(BIG_BYTES)} MiB document: ITI-41 ${((t1 - t0) / 1000).toFixed(1)} s (${(BIG_BYTES / MiB / ((t1 - t0) / 1000)).toFixed(0)} MiB/s), ITI-43 ${((t2 - t1) / 1000).toFixed(1)} s (${(BIG_BYTES / MiB / ((t2 - t1) / 1000)).toFixed(0)} MiB/s), SHA-1 and size identical: ${identical ? "yes" : "NO"}`,
    );
    console.log(
      `  repository RSS: baseline ${mib(bigBaseline)} MiB, peak ${mib(memory.peak)} MiB, growth ${mib(growth)} MiB = ${(growth / 1e6).toFixed(1)} MB over ${memory.samples} samples (target < 100 MB)`,
    );
    if (!identical) process.exitCode = 1;
  } finally {
    closeConnections();
    await stack.relay?.stop();
    await stack.repository?.stop();
    await stack.registry?.stop();
    await stack.close?.();
    await stack.s3?.stop();
    await dropDatabases([DB_REGISTRY, DB_REPOSITORY]);
  }
}

await main();
