import { ACTION } from "@opendsp/ebxml";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import {
  cpuTimeMs,
  dischargeLetterEntry,
  findDocumentsQuery,
  registerRequestElement,
  startRegistryProcess,
  startRepositoryProcess,
  startS3TestServer,
  startServiceProcess,
  submissionSetFor,
  type RegistryProcess,
  type S3TestServer,
  type ServiceProcess,
} from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchDatabaseUrl, dropDatabases, recreateDatabases } from "./bench-databases.js";
import { prepareSubmission, submit } from "./repository/xds-bench-client.js";

/**
 * `pnpm exec tsx bench/gateway.bench.ts [--submissions N] [--queries N] [--rounds N]`: the registry, the repository
 * and the gateway each as its own process (PostgreSQL, s3rver), then ITI-41 (100 KB documents, MTOM) and ITI-18
 * FindDocuments throughput with 4 concurrent clients, each sent straight to the service and through the gateway,
 * in alternating rounds so that load from elsewhere on the machine falls on both. Target: the gateway costs <= 10 %.
 */
const { values: args } = parseArgs({
  options: {
    submissions: { type: "string", default: "400" },
    queries: { type: "string", default: "4000" },
    rounds: { type: "string", default: "4" },
  },
});
const CLIENTS = 4;
const ROUNDS = Number(args.rounds);
const SUBMISSIONS = Number(args.submissions);
const QUERIES = Number(args.queries);
const DOCUMENT_BYTES = 100 * 1000;
const QUERIED_DOCUMENTS = 20;
const REPOSITORY_UNIQUE_ID = "1.3.6.1.4.1.59999.3.1";
const DOMAIN = "^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
const SUBMITTER = `GWBENCH${Date.now()}${DOMAIN}`;
const QUERIED = `GWBENCHQ${Date.now()}${DOMAIN}`;
const DB_REGISTRY = "opendsp_bench_gw_registry";
const DB_REPOSITORY = "opendsp_bench_gw_repository";

/** Runs jobs `from`..`to`-1 on `concurrency` workers; returns the elapsed seconds. */
async function timed(from: number, to: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = from;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) await work(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

/**
 * Alternating rounds straight to the service and through the gateway; rates per second over all rounds, and the
 * gateway process's CPU time per request through it (unlike the rates, not changed by load from elsewhere).
 */
async function compare(
  count: number,
  gatewayPid: number,
  direct: (i: number) => Promise<void>,
  gateway: (i: number) => Promise<void>,
): Promise<{ direct: number; gateway: number; gatewayCpuMs: number }> {
  let directSeconds = 0;
  let gatewaySeconds = 0;
  let gatewayCpuMs = 0;
  const throughGateway = async (from: number, to: number): Promise<number> => {
    const cpuBefore = await cpuTimeMs(gatewayPid);
    const seconds = await timed(from, to, CLIENTS, gateway);
    gatewayCpuMs += (await cpuTimeMs(gatewayPid)) - cpuBefore;
    return seconds;
  };
  const perRound = Math.ceil(count / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * perRound;
    const to = Math.min(count, from + perRound);
    // Each path runs first every other round, so neither always meets a warmer database.
    if (round % 2 === 0) {
      directSeconds += await timed(from, to, CLIENTS, direct);
      gatewaySeconds += await throughGateway(from, to);
    } else {
      gatewaySeconds += await throughGateway(from, to);
      directSeconds += await timed(from, to, CLIENTS, direct);
    }
  }
  return { direct: count / directSeconds, gateway: count / gatewaySeconds, gatewayCpuMs: gatewayCpuMs / count };
}

async function postSoap(url: string, action: string, xml: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${action}"` }, body: xml });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${action} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

const line = (name: string, unit: string, r: { direct: number; gateway: number; gatewayCpuMs: number }): string => {
  const cost = ((r.direct - r.gateway) / r.direct) * 100;
  return (
    `  ${name}: direct ${r.direct.toFixed(1)} ${unit}  | through the gateway ${r.gateway.toFixed(1)} ${unit}  -> gateway cost ${cost.toFixed(1)} % (target <= 10 %)\n` +
    `    gateway process: ${r.gatewayCpuMs.toFixed(2)} ms CPU per request`
  );
};

interface Stack {
  s3?: S3TestServer;
  registry?: RegistryProcess;
  repository?: ServiceProcess;
  gateway?: ServiceProcess;
}

async function main(): Promise<void> {
  const stack: Stack = {};
  try {
    await recreateDatabases([DB_REGISTRY, DB_REPOSITORY]);
    const s3 = (stack.s3 = await startS3TestServer());
    const registry = (stack.registry = await startRegistryProcess({ DATABASE_URL: benchDatabaseUrl(DB_REGISTRY) }));
    const repository = (stack.repository = await startRepositoryProcess({
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: "opendsp-bench-gateway",
      REGISTRY_URL: registry.soapUrl,
      DATABASE_URL: benchDatabaseUrl(DB_REPOSITORY),
      REPOSITORY_UNIQUE_ID,
      REPOSITORY_DATA_DIR: join(tmpdir(), "opendsp-bench-gateway-repository"),
    }));
    const gateway = (stack.gateway = await startServiceProcess("services/gateway/src/main.ts", {
      GATEWAY_PORT: "0",
      REGISTRY_URL: registry.baseUrl,
      REPOSITORY_URL: new URL(repository.soapUrl).origin,
    }));
    const gatewayBase = new URL(gateway.soapUrl).origin;
    const viaGateway = { registry: `${gatewayBase}/xds/registry`, repository: `${gatewayBase}/xds/repository` };
    const direct = { registry: registry.soapUrl, repository: repository.soapUrl };
    await registry.feedPatient(SUBMITTER);
    await registry.feedPatient(QUERIED);

    // ITI-41: one 100 KB document per submission, envelopes and bytes built before the clock starts.
    const documents = Array.from({ length: 2 * SUBMISSIONS }, () => randomBytes(DOCUMENT_BYTES));
    const submissions = documents.map(() => prepareSubmission(SUBMITTER));
    for (let i = 0; i < 10; i++) {
      await submit(direct.repository, prepareSubmission(SUBMITTER), randomBytes(DOCUMENT_BYTES));
      await submit(viaGateway.repository, prepareSubmission(SUBMITTER), randomBytes(DOCUMENT_BYTES));
    }
    const iti41 = await compare(
      SUBMISSIONS,
      gateway.pid,
      (i) => submit(direct.repository, submissions[2 * i]!, documents[2 * i]!),
      (i) => submit(viaGateway.repository, submissions[2 * i + 1]!, documents[2 * i + 1]!),
    );

    // ITI-18 FindDocuments (LeafClass, Approved) for a patient with 20 documents.
    for (let i = 0; i < QUERIED_DOCUMENTS; i++) {
      const body = registerRequestElement({ submissionSet: submissionSetFor(QUERIED), documentEntries: [dischargeLetterEntry(QUERIED)] });
      const answer = await postSoap(direct.registry, ACTION.iti42.request, serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti42.request, body }).envelope));
      if (!answer.includes("ResponseStatusType:Success")) throw new Error(`ITI-42 refused: ${answer.slice(0, 800)}`);
    }
    const query = serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti18.request, body: findDocumentsQuery(QUERIED) }).envelope);
    const findDocuments = async (url: string): Promise<void> => {
      const text = await postSoap(url, ACTION.iti18.request, query);
      if (text.split("<rim:ExtrinsicObject ").length - 1 !== QUERIED_DOCUMENTS) throw new Error(`FindDocuments did not return ${QUERIED_DOCUMENTS} documents`);
    };
    for (let i = 0; i < 100; i++) {
      await findDocuments(direct.registry);
      await findDocuments(viaGateway.registry);
    }
    const iti18 = await compare(QUERIES, gateway.pid, () => findDocuments(direct.registry), () => findDocuments(viaGateway.registry));

    console.log(`gateway, registry and repository as processes on PostgreSQL + s3rver, ${CLIENTS} concurrent clients, ${ROUNDS} alternating rounds`);
    console.log(line(`ITI-41, ${SUBMISSIONS} submissions of 100 KB (MTOM)`, "submissions/s", iti41));
    console.log(line(`ITI-18 FindDocuments (${QUERIED_DOCUMENTS} documents, LeafClass), ${QUERIES} queries`, "queries/s", iti18));
    console.log("  (the machine may be shared: figures are noisy; run again before drawing conclusions)");
  } finally {
    await stack.gateway?.stop();
    await stack.repository?.stop();
    await stack.registry?.stop();
    await stack.s3?.stop();
    await dropDatabases([DB_REGISTRY, DB_REPOSITORY]);
  }
}

await main();
