import { ACTION } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** test/fixtures of the workspace: real messages written by peer projects (licenses beside them). */
export const FIXTURES = join(import.meta.dirname, "..", "..", "..", "..", "test", "fixtures");

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(join(FIXTURES, ...parts));
}

/** A captured ITI-41 request, ready to replay: its Content-Type and body, with what a test needs to know. */
export interface CapturedRequest {
  readonly contentType: string;
  readonly body: Buffer;
}

export const SIMPLE_ITI41_CONTENT_TYPE = `application/soap+xml; charset=UTF-8; action="${ACTION.iti41.request}"`;

/** Splits a raw HTTP capture (request line, headers, empty line, body) into Content-Type and body. */
export function httpCapture(raw: Buffer): CapturedRequest {
  const text = raw.toString("latin1");
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) throw new Error("no end of headers in the capture");
  const contentType = /^content-type:\s*(.*)$/im.exec(text.slice(0, end.index))?.[1]?.trim();
  if (!contentType) throw new Error("no Content-Type in the capture");
  return { contentType, body: raw.subarray(end.index + end[0].length) };
}

/**
 * Replaces values in a capture (uniqueIds and ids that would collide when a message is replayed) keeping every
 * other byte as captured. Each `from` must occur.
 */
export function replaceAll(body: Buffer, replacements: Readonly<Record<string, string>>): Buffer {
  let text = body.toString("latin1");
  for (const [from, to] of Object.entries(replacements)) {
    if (!text.includes(from)) throw new Error(`${from} does not occur in the capture`);
    text = text.split(from).join(to);
  }
  return Buffer.from(text, "latin1");
}

/** A bare xdsb:ProvideAndRegisterDocumentSetRequest document wrapped in a SOAP 1.2 envelope with WS-Addressing. */
export function wrapInSoapEnvelope(xml: Buffer, messageId: string): Buffer {
  const inner = xml
    .toString("utf8")
    .replace(/^\uFEFF?<\?xml[^>]*\?>/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
      `<soapenv:Header><wsa:Action soapenv:mustUnderstand="true">${ACTION.iti41.request}</wsa:Action><wsa:MessageID>${messageId}</wsa:MessageID></soapenv:Header>` +
      `<soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`,
    "utf8",
  );
}
