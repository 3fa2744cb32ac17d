import { ACTION } from "@opendsp/ebxml";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import { cpuTimeMs, findDocumentsQuery, startServiceProcess, type ServiceProcess } from "@opendsp/testing";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { closeConnections, postForText } from "./http-post.js";

/**
 * `pnpm bench:gateway-cpu [--queries N] [--rounds N] [--answer-delay-ms N]`: the CPU time the
 * gateway process spends per ITI-18 FindDocuments, from its own CPU counters (/proc/<pid>/stat), so the figure does
 * not depend on what else runs on the machine, unlike the throughput of bench:gateway. The service behind it is a
 * stand-in that answers every query with the same 130 KB (about 20 documents' metadata) after --answer-delay-ms, the
 * time the real registry takes: requests then reach the gateway one by one at bench:gateway's pace, where each costs
 * about twice what it costs back to back (no batching of events, cold caches). 4 concurrent clients, as in
 * bench:gateway.
 */
const { values: args } = parseArgs({
  options: {
    queries: { type: "string", default: "2000" },
    rounds: { type: "string", default: "3" },
    "answer-delay-ms": { type: "string", default: "15" },
  },
});
const CLIENTS = 4;
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const ANSWER_DELAY_MS = Number(args["answer-delay-ms"]);
const ANSWER_BYTES = 130 * 1000;
const PATIENT = "GWCPU^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";

/** A stand-in registry: every POST to /xds/registry gets the same AdhocQueryResponse-sized SOAP answer. */
async function startStandInRegistry(): Promise<{ server: Server; baseUrl: string }> {
  const answer = Buffer.alloc(ANSWER_BYTES, "<rim:Slot name=\"x\"><rim:ValueList><rim:Value>y</rim:Value></rim:ValueList></rim:Slot>");
  const contentType = `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.response}"`;
  const server = createServer((req, res) => {
    req.resume();
    req.once("end", () => {
      setTimeout(() => {
        res.writeHead(200, { "content-type": contentType, "content-length": answer.length });
        res.end(answer);
      }, ANSWER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function run(count: number, work: () => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < count) await work();
    }),
  );
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const upstream = await startStandInRegistry();
  let gateway: ServiceProcess | undefined;
  try {
    gateway = await startServiceProcess("services/gateway/src/main.ts", { GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", REGISTRY_URL: upstream.baseUrl, REPOSITORY_URL: upstream.baseUrl });
    const url = gateway.soapUrl;
    const query = serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti18.request, body: findDocumentsQuery(PATIENT) }).envelope);
    const contentType = `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.request}"`;
    const findDocuments = async (): Promise<void> => {
      const { status, text } = await postForText(url, contentType, query);
      if (status !== 200 || text.length !== ANSWER_BYTES) throw new Error(`FindDocuments through the gateway answered HTTP ${status}, ${text.length} bytes`);
    };
    // Warm-up: JIT, connection pools on both sides.
    await run(1000, findDocuments);
    console.log(`gateway CPU per ITI-18 FindDocuments (130 KB answer from a stand-in registry after ${ANSWER_DELAY_MS} ms), ${CLIENTS} concurrent clients`);
    for (let round = 0; round < ROUNDS; round++) {
      const before = await cpuTimeMs(gateway.pid);
      const seconds = await run(QUERIES, findDocuments);
      const spent = (await cpuTimeMs(gateway.pid)) - before;
      console.log(`  round ${round + 1}: ${QUERIES} queries, ${(spent / QUERIES).toFixed(3)} ms CPU per query, ${(QUERIES / seconds).toFixed(0)} queries/s`);
    }
  } finally {
    closeConnections();
    await gateway?.stop();
    await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  }
}

await main();
