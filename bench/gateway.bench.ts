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
import { startBareRelay, viaRelay } from "./start-bare-relay.js";

/**
 * `pnpm exec tsx bench/gateway.bench.ts [--submissions N] [--queries N] [--rounds N]`: the registry, the repository
 * and the gateway each as its own process (PostgreSQL, s3rver), then ITI-41 (100 KB documents, MTOM) and ITI-18
 * FindDocuments throughput with 4 concurrent clients, each sent straight to the service, through a bare node:http
 * relay (bare-relay.ts: the cost of one more HTTP hop on this machine, the floor under any gateway) and through the
 * gateway, in rotating rounds so that load from elsewhere on the machine falls on all three. Target: the gateway
 * costs <= 10 %.
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

interface Rates {
  readonly direct: number;
  readonly relay: number;
  readonly gateway: number;
  readonly gatewayCpuMs: number;
  readonly relayCpuMs: number;
}

/**
 * Rounds straight to the service, through the bare relay and through the gateway, the order rotating every round so
 * that load from elsewhere on the machine falls on all three; rates per second over all rounds, and the relay's and
 * the gateway's CPU time per request (unlike the rates, not changed by load from elsewhere).
 */
async function compare(
  count: number,
  pids: { gateway: number; relay: number },
  paths: { direct: (i: number) => Promise<void>; relay: (i: number) => Promise<void>; gateway: (i: number) => Promise<void> },
): Promise<Rates> {
  const names = ["direct", "relay", "gateway"] as const;
  const seconds = { direct: 0, relay: 0, gateway: 0 };
  const cpuMs = { relay: 0, gateway: 0 };
  const run = async (name: (typeof names)[number], from: number, to: number): Promise<void> => {
    const pid = name === "direct" ? undefined : pids[name];
    const cpuBefore = pid === undefined ? 0 : await cpuTimeMs(pid);
    seconds[name] += await timed(from, to, CLIENTS, paths[name]);
    if (pid !== undefined && name !== "direct") cpuMs[name] += (await cpuTimeMs(pid)) - cpuBefore;
  };
  const perRound = Math.ceil(count / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * perRound;
    const to = Math.min(count, from + perRound);
    for (let k = 0; k < names.length; k++) await run(names[(round + k) % names.length]!, from, to);
  }
  return {
    direct: count / seconds.direct,
    relay: count / seconds.relay,
    gateway: count / seconds.gateway,
    gatewayCpuMs: cpuMs.gateway / count,
    relayCpuMs: cpuMs.relay / count,
  };
}

async function postSoap(url: string, action: string, xml: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${action}"` }, body: xml });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${action} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

const costOf = (direct: number, through: number): string => `${(((direct - through) / direct) * 100).toFixed(1)} %`;
const line = (name: string, unit: string, r: Rates): string =>
  `  ${name}:\n` +
  `    direct ${r.direct.toFixed(1)} ${unit}  | through the gateway ${r.gateway.toFixed(1)} ${unit}  -> gateway cost ${costOf(r.direct, r.gateway)} (target <= 10 %)\n` +
  `    through a bare node:http relay ${r.relay.toFixed(1)} ${unit}  -> cost of the hop alone ${costOf(r.direct, r.relay)}\n` +
  `    CPU per request: gateway ${r.gatewayCpuMs.toFixed(2)} ms, bare relay ${r.relayCpuMs.toFixed(2)} ms`;

interface Stack {
  s3?: S3TestServer;
  registry?: RegistryProcess;
  repository?: ServiceProcess;
  gateway?: ServiceProcess;
  relays: ServiceProcess[];
}

async function main(): Promise<void> {
  const stack: Stack = { relays: [] };
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
      GATEWAY_ACCESS_CONTROL: "off",
      REGISTRY_URL: registry.baseUrl,
      REPOSITORY_URL: new URL(repository.soapUrl).origin,
    }));
    const gatewayBase = new URL(gateway.soapUrl).origin;
    const viaGateway = { registry: `${gatewayBase}/xds/registry`, repository: `${gatewayBase}/xds/repository` };
    const direct = { registry: registry.soapUrl, repository: repository.soapUrl };
    const registryRelay = await startBareRelay(registry.soapUrl);
    stack.relays.push(registryRelay);
    const repositoryRelay = await startBareRelay(repository.soapUrl);
    stack.relays.push(repositoryRelay);
    const viaBareRelay = { registry: viaRelay(registryRelay, registry.soapUrl), repository: viaRelay(repositoryRelay, repository.soapUrl) };
    await registry.feedPatient(SUBMITTER);
    await registry.feedPatient(QUERIED);

    // ITI-41: one 100 KB document per submission, envelopes and bytes built before the clock starts.
    const documents = Array.from({ length: 3 * SUBMISSIONS }, () => randomBytes(DOCUMENT_BYTES));
    const submissions = documents.map(() => prepareSubmission(SUBMITTER));
    for (let i = 0; i < 10; i++) {
      await submit(direct.repository, prepareSubmission(SUBMITTER), randomBytes(DOCUMENT_BYTES));
      await submit(viaBareRelay.repository, prepareSubmission(SUBMITTER), randomBytes(DOCUMENT_BYTES));
      await submit(viaGateway.repository, prepareSubmission(SUBMITTER), randomBytes(DOCUMENT_BYTES));
    }
    const iti41 = await compare(
      SUBMISSIONS,
      { gateway: gateway.pid, relay: repositoryRelay.pid },
      {
        direct: (i) => submit(direct.repository, submissions[3 * i]!, documents[3 * i]!),
        relay: (i) => submit(viaBareRelay.repository, submissions[3 * i + 1]!, documents[3 * i + 1]!),
        gateway: (i) => submit(viaGateway.repository, submissions[3 * i + 2]!, documents[3 * i + 2]!),
      },
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
      await findDocuments(viaBareRelay.registry);
      await findDocuments(viaGateway.registry);
    }
    const iti18 = await compare(
      QUERIES,
      { gateway: gateway.pid, relay: registryRelay.pid },
      { direct: () => findDocuments(direct.registry), relay: () => findDocuments(viaBareRelay.registry), gateway: () => findDocuments(viaGateway.registry) },
    );

    console.log(`gateway, registry and repository as processes on PostgreSQL + s3rver, ${CLIENTS} concurrent clients, ${ROUNDS} rotating rounds`);
    console.log(line(`ITI-41, ${SUBMISSIONS} submissions of 100 KB (MTOM)`, "submissions/s", iti41));
    console.log(line(`ITI-18 FindDocuments (${QUERIED_DOCUMENTS} documents, LeafClass), ${QUERIES} queries`, "queries/s", iti18));
    console.log("  (the machine may be shared: figures are noisy; run again before drawing conclusions)");
  } finally {
    for (const relay of stack.relays) await relay.stop();
    await stack.gateway?.stop();
    await stack.repository?.stop();
    await stack.registry?.stop();
    await stack.s3?.stop();
    await dropDatabases([DB_REGISTRY, DB_REPOSITORY]);
  }
}

await main();
