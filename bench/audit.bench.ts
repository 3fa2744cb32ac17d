import { ACTION } from "@opendsp/ebxml";
import { AUDIT_OUTBOX_TABLE } from "@opendsp/platform";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import {
  cpuTimeMs,
  dischargeLetterEntry,
  freePort,
  findDocumentsQuery,
  generateTestCertificate,
  registerRequestElement,
  startPrivateRedis,
  startRegistryProcess,
  startRepositoryProcess,
  startServiceProcess,
  submissionSetFor,
  type PrivateRedis,
  type RegistryProcess,
  type ServiceProcess,
} from "@opendsp/testing";
import { Kysely, PostgresDialect, sql } from "kysely";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { benchDatabaseUrl, dropDatabases, recreateDatabases } from "./bench-databases.js";
import { prepareSubmission, submit } from "./repository/xds-bench-client.js";
import { redisCpuMs } from "./audit/redis-cpu.js";
import { sendSyslogOverTls, syslogAuditMessages } from "./audit/syslog-load.js";

/**
 * `pnpm bench:audit [--queries N] [--submissions N] [--rounds N] [--syslog N]`: the cost of the audit trail.
 *
 * Two registry + repository pairs run side by side as their own processes on PostgreSQL, each with its own
 * databases: "off" writes each audit record into its outbox in the transaction (that row is part of the
 * transaction contract and cannot be switched off) but nothing carries it further; "on" also runs the relays,
 * which move every record through Redis (BullMQ) to the audit service, which stores it, all on this machine.
 * ITI-18 FindDocuments (4 concurrent clients, straight to the registry) and ITI-41 (1 document, 4 concurrent
 * clients, the repository registering at its registry with ITI-42) are timed in rotating rounds, so that load from
 * elsewhere falls on both. Target: auditing costs <= 10 %. Then the audit service's ITI-20 intake: DICOM audit
 * messages over syslog TLS (RFC 5425), timed from the first byte sent until the last message is stored.
 */
const { values: args } = parseArgs({
  options: {
    queries: { type: "string", default: "3000" },
    submissions: { type: "string", default: "1200" },
    rounds: { type: "string", default: "6" },
    syslog: { type: "string", default: "20000" },
  },
});
const CLIENTS = 4;
const ROUNDS = Number(args.rounds);
const DOMAIN = "^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
const PATIENT = `AUBENCH${Date.now()}${DOMAIN}`;
const DOCUMENTS = 20;
const MODES = ["off", "on"] as const;
type Mode = (typeof MODES)[number];
const DB = {
  registryOff: "opendsp_bench_audit_registry_off",
  repositoryOff: "opendsp_bench_audit_repository_off",
  registryOn: "opendsp_bench_audit_registry_on",
  repositoryOn: "opendsp_bench_audit_repository_on",
  audit: "opendsp_bench_audit_store",
} as const;
const DOCUMENT = randomBytes(4096);

interface Pair {
  readonly registry: RegistryProcess;
  readonly repository: ServiceProcess;
}

async function timed(count: number, work: () => Promise<void>): Promise<number> {
  let left = count;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left-- > 0) await work();
    }),
  );
  return (performance.now() - start) / 1000;
}

async function registerDocuments(registry: RegistryProcess, count: number): Promise<void> {
  await registry.feedPatient(PATIENT);
  for (let i = 0; i < count; i++) {
    const body = registerRequestElement({ submissionSet: submissionSetFor(PATIENT), documentEntries: [dischargeLetterEntry(PATIENT)] });
    const answer = await fetch(registry.soapUrl, {
      method: "POST",
      headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${ACTION.iti42.request}"` },
      body: serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti42.request, body }).envelope),
    }).then((r) => r.text());
    if (!answer.includes("ResponseStatusType:Success")) throw new Error(`ITI-42 refused: ${answer.slice(0, 800)}`);
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const processes: ServiceProcess[] = [];
  let redis: PrivateRedis | undefined;
  const auditDb = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: benchDatabaseUrl(DB.audit), max: 2 }) }) });
  const dir = await mkdtemp(join(tmpdir(), "opendsp-bench-audit-"));
  try {
    await recreateDatabases(Object.values(DB));
    redis = await startPrivateRedis();
    const tls = generateTestCertificate({ commonName: "OpenDSP bench audit repository", ipAddresses: ["127.0.0.1"], serverAuth: true });
    await writeFile(join(dir, "syslog.crt"), tls.certPem);
    await writeFile(join(dir, "syslog.key"), tls.keyPem);
    const syslogPort = await freePort();
    const audit = await startServiceProcess("services/audit/src/main.ts", {
      DATABASE_URL: benchDatabaseUrl(DB.audit),
      AUDIT_PORT: "0",
      REDIS_URL: redis.url,
      AUDIT_SYSLOG_TLS_PORT: String(syslogPort),
      AUDIT_SYSLOG_TLS_CERT_FILE: join(dir, "syslog.crt"),
      AUDIT_SYSLOG_TLS_KEY_FILE: join(dir, "syslog.key"),
      AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: "false",
    });
    processes.push(audit);

    const startPair = async (mode: Mode): Promise<Pair> => {
      const on = mode === "on";
      const delivery: Record<string, string> = on ? { REDIS_URL: redis?.url ?? "" } : {};
      const registry = await startRegistryProcess({ DATABASE_URL: benchDatabaseUrl(on ? DB.registryOn : DB.registryOff), ...delivery });
      processes.push(registry);
      const repository = await startRepositoryProcess({
        DATABASE_URL: benchDatabaseUrl(on ? DB.repositoryOn : DB.repositoryOff),
        REPOSITORY_DATA_DIR: join(dir, `repository-${mode}`),
        REGISTRY_URL: registry.soapUrl,
        ...delivery,
      });
      processes.push(repository);
      await registerDocuments(registry, DOCUMENTS);
      return { registry, repository };
    };
    const pairs: Record<Mode, Pair> = { off: await startPair("off"), on: await startPair("on") };

    const query = serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti18.request, body: findDocumentsQuery(PATIENT) }).envelope);
    const find = (mode: Mode) => async (): Promise<void> => {
      const res = await fetch(pairs[mode].registry.soapUrl, {
        method: "POST",
        headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.request}"` },
        body: query,
      });
      const text = await res.text();
      const found = text.split("<rim:ExtrinsicObject ").length - 1;
      if (res.status !== 200 || found < DOCUMENTS) throw new Error(`FindDocuments on "${mode}" answered ${res.status} with ${found} documents`);
    };
    const provide = (mode: Mode) => async (): Promise<void> => {
      await submit(pairs[mode].repository.soapUrl, prepareSubmission(PATIENT), DOCUMENT);
    };
    for (let i = 0; i < 50; i++) for (const mode of MODES) await find(mode)();
    for (let i = 0; i < 20; i++) for (const mode of MODES) await provide(mode)();

    const pids = (mode: Mode): number[] => [pairs[mode].registry.pid, pairs[mode].repository.pid];
    const cpuOf = async (list: readonly number[]): Promise<number> => (await Promise.all(list.map((pid) => cpuTimeMs(pid)))).reduce((a, b) => a + b, 0);
    const kinds = [
      { name: "ITI-18 FindDocuments", total: Number(args.queries), work: find },
      { name: "ITI-41 Provide and Register (1 document, 4 KiB)", total: Number(args.submissions), work: provide },
    ];
    for (const kind of kinds) {
      const perRound = Math.ceil(kind.total / ROUNDS);
      const seconds: Record<Mode, number> = { off: 0, on: 0 };
      const serviceCpu: Record<Mode, number> = { off: 0, on: 0 };
      let auditCpu = 0;
      let redisCpu = 0;
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < MODES.length; k++) {
          const mode = MODES[(round + k) % MODES.length] as Mode;
          const before = await cpuOf(pids(mode));
          const auditBefore = mode === "on" ? await cpuTimeMs(audit.pid) : 0;
          const redisBefore = mode === "on" ? await redisCpuMs(redis.url) : 0;
          seconds[mode] += await timed(perRound, kind.work(mode));
          serviceCpu[mode] += (await cpuOf(pids(mode))) - before;
          if (mode === "on") {
            auditCpu += (await cpuTimeMs(audit.pid)) - auditBefore;
            redisCpu += (await redisCpuMs(redis.url)) - redisBefore;
          }
        }
      }
      const total = perRound * ROUNDS;
      const rate = (mode: Mode): number => total / seconds[mode];
      const cost = (((rate("off") - rate("on")) / rate("off")) * 100).toFixed(1);
      console.log(`${kind.name}: ${total} requests per mode, ${CLIENTS} clients, ${ROUNDS} rotating rounds`);
      console.log(`  auditing off (outbox row only): ${rate("off").toFixed(1)} /s  (registry+repository CPU ${(serviceCpu.off / total).toFixed(2)} ms per request)`);
      console.log(
        `  auditing on (relay, Redis, audit service): ${rate("on").toFixed(1)} /s  -> cost ${cost} % (target <= 10 %)  (registry+repository CPU ${(serviceCpu.on / total).toFixed(2)} ms, audit service CPU ${(auditCpu / total).toFixed(2)} ms, Redis CPU ${(redisCpu / total).toFixed(2)} ms per request)`,
      );
    }

    // Every record the "on" pair wrote must reach the audit store once.
    const outboxCount = async (url: string): Promise<number> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${AUDIT_OUTBOX_TABLE}`);
        return Number(r.rows[0]?.n ?? 0);
      } finally {
        await client.end();
      }
    };
    // The "off" pair did the same requests and keeps its records in its outbox; the "on" pair's relays empty theirs.
    const written = (await outboxCount(benchDatabaseUrl(DB.registryOff))) + (await outboxCount(benchDatabaseUrl(DB.repositoryOff)));
    const stored = async (): Promise<number> => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_event`.execute(auditDb)).rows[0]?.n ?? 0);
    const drain = await waitFor("the audit store catching up", async () => (await stored()) >= written, 300_000);
    const left = (await outboxCount(benchDatabaseUrl(DB.registryOn))) + (await outboxCount(benchDatabaseUrl(DB.repositoryOn)));
    console.log(`audit trail: ${written} records per mode; ${await stored()} stored by the audit service, ${left} left in the "on" outboxes (${drain.toFixed(1)} s after the last request)`);

    // ITI-20 over syslog TLS.
    const count = Number(args.syslog);
    const messages = syslogAuditMessages(count);
    const receivedBefore = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM received_audit_message`.execute(auditDb)).rows[0]?.n ?? 0);
    const t0 = performance.now();
    await sendSyslogOverTls({ host: "127.0.0.1", port: syslogPort, caPem: tls.certPem, connections: CLIENTS, messages });
    const sentSeconds = (performance.now() - t0) / 1000;
    await waitFor(
      "the syslog messages being stored",
      async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM received_audit_message WHERE NOT malformed`.execute(auditDb)).rows[0]?.n ?? 0) >= receivedBefore + count,
      300_000,
    );
    const seconds = (performance.now() - t0) / 1000;
    console.log(`ITI-20 over syslog TLS: ${count} DICOM audit messages on ${CLIENTS} connections, sent in ${sentSeconds.toFixed(1)} s, all stored after ${seconds.toFixed(1)} s: ${(count / seconds).toFixed(0)} messages/s`);
    console.log("  (the machine may be shared: figures are noisy; run again before drawing conclusions)");
  } finally {
    await auditDb.destroy();
    for (const p of processes.reverse()) await p.stop();
    await redis?.dispose();
    await dropDatabases(Object.values(DB));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
