import { ACTION } from "@opendsp/ebxml";
import { encodeActorHeader, type Actor } from "@opendsp/platform";
import { buildSoapRequest, mintXuaAssertion, serializeSoapEnvelope, withXuaAssertion } from "@opendsp/soap";
import {
  cpuTimeMs,
  dischargeLetterEntry,
  findDocumentsQuery,
  generateTestCertificate,
  registerRequestElement,
  startRegistryProcess,
  startServiceProcess,
  submissionSetFor,
  type RegistryProcess,
  type ServiceProcess,
} from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchDatabaseUrl, dropDatabases, recreateDatabases } from "./bench-databases.js";

/**
 * `pnpm bench:authz [--queries N] [--rounds N]`: ITI-18 FindDocuments throughput through the gateway with
 * authorization off (routing only), with the XUA assertion verified but no consent check, and on (XUA assertion
 * verified, the consent service asked, the registry given the access restriction; with and without the decision cache), 4 concurrent clients, in rotating rounds so that load from elsewhere falls on every path. The
 * registry, the consent service and the gateways each run as their own process on PostgreSQL. Target: authorization
 * costs <= 15 %. The patient has 21 documents, one masked; the querying doctor is their referring doctor.
 */
const { values: args } = parseArgs({
  options: {
    queries: { type: "string", default: "3000" },
    rounds: { type: "string", default: "6" },
  },
});
const CLIENTS = 4;
const ROUNDS = Number(args.rounds);
const QUERIES = Number(args.queries);
const DOCUMENTS = 21;
const DOMAIN = "^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
const PATIENT = `AZBENCH${Date.now()}${DOMAIN}`;
const AUDIENCE = "urn:opendsp:bench-gateway";
const DB_REGISTRY = "opendsp_bench_authz_registry";
const DB_CONSENT = "opendsp_bench_authz_consent";

type PathName = "off" | "authenticated" | "on" | "onUncached";
const PATHS: readonly PathName[] = ["off", "authenticated", "on", "onUncached"];

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

async function postSoap(url: string, xml: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.request}"` }, body: xml });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

async function consentCall(base: string, method: string, path: string, actor: Actor, body?: unknown): Promise<void> {
  const res = await fetch(`${base}/api/consent/patients/${encodeURIComponent(PATIENT)}/${path}`, {
    method,
    headers: { "x-opendsp-actor": encodeActorHeader(actor), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`consent ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

async function main(): Promise<void> {
  const processes: ServiceProcess[] = [];
  let registry: RegistryProcess | undefined;
  const dir = await mkdtemp(join(tmpdir(), "opendsp-bench-authz-"));
  try {
    await recreateDatabases([DB_REGISTRY, DB_CONSENT]);
    const idp = generateTestCertificate({ commonName: "OpenDSP bench identity provider" });
    await writeFile(join(dir, "idp.pem"), idp.certPem);
    registry = await startRegistryProcess({ DATABASE_URL: benchDatabaseUrl(DB_REGISTRY) });
    const consent = await startServiceProcess("services/consent/src/main.ts", {
      DATABASE_URL: benchDatabaseUrl(DB_CONSENT),
      CONSENT_PORT: "0",
      AUDIT_PORT: "0",
      CONSENT_PRESENCE_CODE_KEY: randomBytes(32).toString("base64"),
    });
    processes.push(consent);
    const consentBase = new URL(consent.soapUrl).origin;
    const common = { GATEWAY_PORT: "0", REGISTRY_URL: registry.baseUrl, REPOSITORY_URL: "http://127.0.0.1:1" };
    const enforced = { ...common, GATEWAY_ACCESS_CONTROL: "enforced", GATEWAY_XUA_IDP_CERT_FILE: join(dir, "idp.pem"), GATEWAY_XUA_AUDIENCES: AUDIENCE, GATEWAY_CONSENT_URL: consentBase };
    const gateways: Record<PathName, ServiceProcess> = {
      off: await startServiceProcess("services/gateway/src/main.ts", { ...common, GATEWAY_ACCESS_CONTROL: "off" }),
      authenticated: await startServiceProcess("services/gateway/src/main.ts", { ...enforced, GATEWAY_ACCESS_CONTROL: "off" }),
      on: await startServiceProcess("services/gateway/src/main.ts", enforced),
      onUncached: await startServiceProcess("services/gateway/src/main.ts", { ...enforced, GATEWAY_CONSENT_CACHE_SECONDS: "0" }),
    };
    processes.push(...Object.values(gateways));

    await registry.feedPatient(PATIENT);
    const uniqueIds: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const entry = dischargeLetterEntry(PATIENT);
      uniqueIds.push(entry.uniqueId ?? "");
      const body = registerRequestElement({ submissionSet: submissionSetFor(PATIENT), documentEntries: [entry] });
      const answer = await fetch(registry.soapUrl, {
        method: "POST",
        headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${ACTION.iti42.request}"` },
        body: serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti42.request, body }).envelope),
      }).then((r) => r.text());
      if (!answer.includes("ResponseStatusType:Success")) throw new Error(`ITI-42 refused: ${answer.slice(0, 800)}`);
    }
    const patient: Actor = { kind: "patient", id: PATIENT };
    await consentCall(consentBase, "PUT", "referring-doctor", patient, { professionalId: "dr-bench" });
    await consentCall(consentBase, "PUT", `masked-documents/${uniqueIds[0] ?? ""}`, patient);

    const assertion = mintXuaAssertion({
      issuer: "https://idp.bench.opendsp",
      signingKeyPem: idp.keyPem,
      certificatePem: idp.certPem,
      subjectId: "dr-bench",
      roles: ["doctor"],
      patientId: PATIENT,
      audience: AUDIENCE,
      lifetimeSeconds: 3600,
    });
    // The same bytes on every path: the assertion is there when authorization is off too, only not checked.
    const query = withXuaAssertion(serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti18.request, body: findDocumentsQuery(PATIENT) }).envelope), assertion);
    const expected: Record<PathName, number> = { off: DOCUMENTS, authenticated: DOCUMENTS, on: DOCUMENTS - 1, onUncached: DOCUMENTS - 1 };
    const urlOf = (name: PathName): string => `${new URL(gateways[name].soapUrl).origin}/xds/registry`;
    const find = (name: PathName) => async (): Promise<void> => {
      const text = await postSoap(urlOf(name), query);
      const found = text.split("<rim:ExtrinsicObject ").length - 1;
      if (found !== expected[name]) throw new Error(`FindDocuments through "${name}" returned ${found} documents, not ${expected[name]}`);
    };
    for (let i = 0; i < 100; i++) for (const name of PATHS) await find(name)();

    const seconds: Record<PathName, number> = { off: 0, authenticated: 0, on: 0, onUncached: 0 };
    const cpu: Record<PathName, number> = { off: 0, authenticated: 0, on: 0, onUncached: 0 };
    const perRound = Math.ceil(QUERIES / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < PATHS.length; k++) {
        const name = PATHS[(round + k) % PATHS.length] as PathName;
        const before = await cpuTimeMs(gateways[name].pid);
        seconds[name] += await timed(perRound, find(name));
        cpu[name] += (await cpuTimeMs(gateways[name].pid)) - before;
      }
    }
    const total = perRound * ROUNDS;
    const rate = (name: PathName): number => total / seconds[name];
    const cost = (name: PathName, base: PathName = "off"): string => `${(((rate(base) - rate(name)) / rate(base)) * 100).toFixed(1)} %`;
    const cpuMs = (name: PathName): string => `${(cpu[name] / total).toFixed(2)} ms`;
    console.log(`ITI-18 FindDocuments (${DOCUMENTS} documents, one masked, LeafClass) through the gateway, ${total} queries per path, ${CLIENTS} clients, ${ROUNDS} rotating rounds`);
    console.log(`  authorization off (routing only):         ${rate("off").toFixed(1)} queries/s  (gateway CPU ${cpuMs("off")} per query)`);
    console.log(`  XUA verified, no consent check:           ${rate("authenticated").toFixed(1)} queries/s  -> cost ${cost("authenticated")}  (gateway CPU ${cpuMs("authenticated")} per query)`);
    console.log(`  authorization on (XUA + consent, cached): ${rate("on").toFixed(1)} queries/s  -> cost ${cost("on")} (target <= 15 %), ${cost("on", "authenticated")} over XUA alone  (gateway CPU ${cpuMs("on")} per query)`);
    console.log(`  authorization on, no decision cache:      ${rate("onUncached").toFixed(1)} queries/s  -> cost ${cost("onUncached")}  (gateway CPU ${cpuMs("onUncached")} per query)`);
    console.log("  (the machine may be shared: figures are noisy; run again before drawing conclusions)");
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await registry?.stop();
    await dropDatabases([DB_REGISTRY, DB_CONSENT]);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
