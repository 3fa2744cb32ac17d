/**
 * MTOM parse benchmark: a 100 MB attachment, generated chunk by chunk (never held in memory), serialised with
 * buildMtomMessage and parsed back with readMtomMessage while hashing it. Reports throughput and RSS growth.
 *
 *   npx tsx bench/mtom-parse.bench.ts
 */
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { buildMtomMessage, readMtomMessage, xopHref } from "../packages/soap/src/mtom/index.js";

export interface MtomParseBenchOptions {
  /** Attachment size in bytes (default 100 MB). */
  readonly sizeBytes?: number;
  /** Size of the generated source chunks (default 64 KiB, the usual HTTP read size). */
  readonly chunkBytes?: number;
  /** RSS sampling period in ms (default 20). */
  readonly sampleMs?: number;
}

export interface MtomParseBenchResult {
  readonly megabytes: number;
  readonly seconds: number;
  readonly megabytesPerSecond: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly rssGrowthMb: number;
  readonly generatedSha1: string;
  readonly parsedSha1: string;
  readonly sha1Match: boolean;
}

const MB = 1024 * 1024;

export async function runMtomParseBench(options: MtomParseBenchOptions = {}): Promise<MtomParseBenchResult> {
  const size = options.sizeBytes ?? 100 * MB;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const generatedHash = createHash("sha1");
  const contentId = "1.bench@opendsp";
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope">' +
    '<soapenv:Body><xdsb:Document xmlns:xdsb="urn:ihe:iti:xds-b:2007" id="Document01">' +
    `<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="${xopHref(contentId)}"/>` +
    "</xdsb:Document></soapenv:Body></soapenv:Envelope>";

  let produced = 0;
  let seed = 0x9e3779b9 | 0;
  const nextChunk = (): Buffer => {
    const n = Math.min(chunkBytes, size - produced);
    const chunk = Buffer.allocUnsafe(n);
    // xorshift32: cheap, deterministic, incompressible enough to defeat any accidental shortcut.
    let x = seed;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk.writeInt32LE(x, i);
    }
    for (; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk[i] = x & 0xff;
    }
    seed = x;
    produced += n;
    generatedHash.update(chunk);
    return chunk;
  };
  const source = new Readable({
    read() {
      // Deliver each chunk from a later turn of the event loop, as a socket does: without it the whole run
      // would be one chain of microtasks, starving timers (the RSS sampler) and the garbage collector's idle work.
      setImmediate(() => this.push(produced >= size ? null : nextChunk()));
    },
  });

  const message = buildMtomMessage({
    root: envelope,
    action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
    attachments: [{ contentId, contentType: "application/octet-stream", body: () => Promise.resolve(source) }],
  });

  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, options.sampleMs ?? 20);

  const started = process.hrtime.bigint();
  const parsedHash = createHash("sha1");
  let parsed = 0;
  try {
    const msg = await readMtomMessage(message.body, message.contentType);
    for await (const attachment of msg.attachments) {
      await pipeline(
        attachment.body,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            parsed += chunk.length;
            parsedHash.update(chunk);
            done();
          },
        }),
      );
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);

  const generatedSha1 = generatedHash.digest("hex");
  const parsedSha1 = parsedHash.digest("hex");
  return {
    megabytes: parsed / MB,
    seconds,
    megabytesPerSecond: parsed / MB / seconds,
    baselineRssMb: baseline / MB,
    peakRssMb: peak / MB,
    rssGrowthMb: (peak - baseline) / MB,
    generatedSha1,
    parsedSha1,
    sha1Match: generatedSha1 === parsedSha1 && parsed === size,
  };
}

function print(r: MtomParseBenchResult): void {
  const f = (n: number): string => n.toFixed(1);
  console.log(`MTOM parse: ${f(r.megabytes)} MB in ${r.seconds.toFixed(2)} s = ${f(r.megabytesPerSecond)} MB/s`);
  console.log(`RSS: baseline ${f(r.baselineRssMb)} MB, peak ${f(r.peakRssMb)} MB, growth ${f(r.rssGrowthMb)} MB (target < 50 MB)`);
  console.log(`SHA-1 generated ${r.generatedSha1}, parsed ${r.parsedSha1}: ${r.sha1Match ? "match" : "MISMATCH"}`);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const result = await runMtomParseBench();
  print(result);
  if (!result.sha1Match) process.exitCode = 1;
}
