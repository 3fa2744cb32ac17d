/**
 * Helpers shared by the tests of the MTOM layer (not part of the package API).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";

export const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/mtom");

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** A source yielding `buf` cut at the given (sorted, in-range) positions. */
export async function* chunked(buf: Buffer, cuts: readonly number[] = []): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= at || cut >= buf.length) continue;
    await Promise.resolve(); // a real source delivers chunks asynchronously
    yield buf.subarray(at, cut);
    at = cut;
  }
  yield buf.subarray(at);
}

/** A source yielding fixed-size chunks. */
export async function* fixedChunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) {
    await Promise.resolve();
    yield buf.subarray(i, i + size);
  }
}

export async function collect(stream: Readable | AsyncIterable<Buffer | Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | Uint8Array | string>) {
    chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

/** Fails instead of hanging: rejects when `p` has not settled after `ms`. */
export async function settleWithin<T>(p: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Splits a captured HTTP request at its first empty line (CRLF or LF line ends) into header map and body. */
export function splitHttpRequest(raw: Buffer): { headers: Record<string, string>; body: Buffer } {
  const text = raw.toString("latin1");
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) throw new Error("no empty line in the HTTP capture");
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, m.index).split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.subarray(m.index + m[0].length) };
}

/** Deterministic pseudo-random bytes (xorshift32), generated chunk by chunk. */
export function pseudoRandomChunk(state: { seed: number }, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = state.seed | 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x, i);
  }
  for (let i = size - (size % 4); i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  state.seed = x;
  return out;
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}
