import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");
export const SAMPLES = join(FIXTURES, "samples");

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

/** Every file below `dir` whose name ends with one of `extensions`, as paths relative to `dir`, sorted. */
export function listFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (extensions.some((e) => name.endsWith(e))) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The XML of a captured message: the file itself, or, for a saved MIME body (starts with a boundary line),
 * the first part's content.
 */
export function xmlOfCapture(bytes: Buffer): Buffer {
  const text = bytes.toString("latin1");
  if (!text.startsWith("--")) return bytes;
  const headerEnd = /\r?\n\r?\n/.exec(text);
  if (!headerEnd) return bytes;
  const start = headerEnd.index + headerEnd[0].length;
  const next = text.indexOf("\n--", start);
  return bytes.subarray(start, next < 0 ? bytes.length : next);
}
