import { ACTION, RESPONSE_STATUS, parseRetrieveDocumentSetResponse, writeRetrieveDocumentSetRequest } from "@opendsp/ebxml";
import { resolveXopIncludes } from "@opendsp/soap";
import { createHash, randomBytes } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CliError } from "../errors/cli-error.js";
import { fsReason } from "../errors/fs-reason.js";
import { UnexpectedAnswerError, XdsTransactionError } from "../errors/platform-errors.js";
import { exchangeMtom } from "./mtom-exchange.js";

export interface RetrieveCall {
  readonly repositoryUrl: string;
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
  readonly homeCommunityId?: string;
  /** Where the document goes; it appears there only once complete. */
  readonly outputPath: string;
  /** The output as the user named it, for messages; outputPath by default. */
  readonly outputName?: string;
  readonly idleTimeoutMs: number;
  /** Hash and size the registry has for the document: bytes that differ are refused and not written. */
  readonly expected?: { readonly sha1?: string; readonly size?: number };
  readonly signal?: AbortSignal;
  /** The user's XUA assertion for the wsse:Security header. */
  readonly assertion?: string;
}

export interface RetrievedDocument {
  readonly size: number;
  /** SHA-1 of the bytes written, lower-case hex (as XDS hashes are compared). */
  readonly sha1: string;
  readonly mimeType: string;
}

/**
 * ITI-43 Retrieve Document Set for one document (ITI TF-2b 3.43), sent as MTOM; the document part is streamed into
 * a temporary file beside the output while its SHA-1 and size are computed, then renamed over the output, so a
 * failed retrieve leaves nothing behind and an existing file is replaced only by a complete document.
 */
export async function retrieveToFile(call: RetrieveCall): Promise<RetrievedDocument> {
  const temporary = join(dirname(call.outputPath), `.${basename(call.outputPath)}.${randomBytes(6).toString("hex")}.part`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, "wx", 0o600);
  } catch (err) {
    throw new CliError("file", `cannot write ${call.outputName ?? call.outputPath}: ${fsReason(err)}`, { cause: err });
  }
  let renamed = false;
  try {
    // The write stream owns the handle from here and closes it, flushed, once the document is written.
    const result = await retrieveInto(call, handle);
    checkExpected(call, result);
    try {
      await rename(temporary, call.outputPath);
    } catch (err) {
      throw new CliError("file", `cannot write ${call.outputName ?? call.outputPath}: ${fsReason(err)}`, { cause: err });
    }
    renamed = true;
    return result;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
    }
  }
}

async function retrieveInto(call: RetrieveCall, handle: FileHandle): Promise<RetrievedDocument> {
  const exchange = await exchangeMtom({
    url: call.repositoryUrl,
    action: ACTION.iti43.request,
    responseAction: ACTION.iti43.response,
    body: writeRetrieveDocumentSetRequest({
      documentRequests: [
        {
          repositoryUniqueId: call.repositoryUniqueId,
          documentUniqueId: call.documentUniqueId,
          ...(call.homeCommunityId === undefined ? {} : { homeCommunityId: call.homeCommunityId }),
        },
      ],
    }),
    attachments: [],
    idleTimeoutMs: call.idleTimeoutMs,
    ...(call.signal === undefined ? {} : { signal: call.signal }),
    ...(call.assertion === undefined ? {} : { assertion: call.assertion }),
    // The document is streamed to disk, never held: only the envelope is bounded.
    limits: { maxTotalBytes: Number.POSITIVE_INFINITY },
  });
  try {
    const parsed = parseRetrieveDocumentSetResponse(exchange.envelope.body);
    if (!parsed.ok) {
      throw new UnexpectedAnswerError(
        `the repository's answer to ITI-43 is not a RetrieveDocumentSetResponse: ${parsed.errors.map((e) => e.codeContext).join("; ")}`,
      );
    }
    const { registryResponse, documentResponses } = parsed.value;
    // One document asked for: PartialSuccess or Failure both mean it is not there (ITI TF-2b 3.43.4.2.3).
    if (registryResponse.status !== RESPONSE_STATUS.success) {
      throw new XdsTransactionError("ITI-43", "repository", registryResponse.status, registryResponse.errors);
    }
    const document = documentResponses.find((d) => d.documentUniqueId === call.documentUniqueId);
    if (!document) throw new UnexpectedAnswerError(`the repository answered Success but without the document ${call.documentUniqueId}`);

    const meter = digestMeter();
    const sink = handle.createWriteStream({ flush: true });
    if (document.payload.kind === "inline") {
      await pipeline(Readable.from([Buffer.from(document.payload.bytes)]), meter, sink);
    } else {
      let received = false;
      await resolveXopIncludes([{ key: document.documentUniqueId, href: document.payload.href }], exchange.http.attachments, async (_key, part) => {
        await pipeline(part.body, meter, sink);
        received = true;
      });
      if (!received) throw new UnexpectedAnswerError(`the repository's answer has no MIME part for the document ${call.documentUniqueId}`);
    }
    await exchange.http.drain();
    return { ...meter.result(), mimeType: document.mimeType };
  } finally {
    exchange.close();
  }
}

/** ITI TF-3 4.2.3.2.10/24: the registry's hash and size describe the bytes; a repository serving others is wrong. */
function checkExpected(call: RetrieveCall, got: RetrievedDocument): void {
  const expected = call.expected;
  if (!expected) return;
  const hashDiffers = expected.sha1 !== undefined && expected.sha1.toLowerCase() !== got.sha1;
  const sizeDiffers = expected.size !== undefined && expected.size !== got.size;
  if (!hashDiffers && !sizeDiffers) return;
  throw new UnexpectedAnswerError(
    `the document received (${got.size} bytes, SHA-1 ${got.sha1}) is not the one the registry describes (${expected.size ?? "?"} bytes, SHA-1 ${expected.sha1 ?? "?"}); nothing was written`,
  );
}

function digestMeter(): Transform & { result(): { size: number; sha1: string } } {
  const hash = createHash("sha1");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return Object.assign(meter, { result: () => ({ size, sha1: hash.digest("hex") }) });
}
