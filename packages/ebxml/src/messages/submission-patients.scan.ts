import { SaxesParser, type SaxesTagNS } from "saxes";
import { IDENTIFICATION_SCHEME, NS } from "../vocabulary.js";
import { XmlError } from "../xml/xml-error.js";

export interface SubmissionPatientScanOptions {
  /** Bytes accepted before lcm:SubmitObjectsRequest must have closed; 16 MiB unless given. */
  readonly maxBytes?: number;
}

export type SubmissionPatientScanResult =
  | { readonly kind: "more" }
  | {
      readonly kind: "done";
      /** Distinct values of every patientId ExternalIdentifier, in order of first appearance. */
      readonly patientIds: string[];
      /** Distinct XDSSubmissionSet.sourceId values, in order of first appearance. */
      readonly sourceIds: string[];
    };

export interface SubmissionPatientScan {
  /** Reads the next bytes; "done" as soon as lcm:SubmitObjectsRequest has closed, whatever follows in the chunk. */
  push(chunk: Uint8Array): SubmissionPatientScanResult;
  /** The input is complete: "done", or an XmlError (XML_TRUNCATED) when the SubmitObjectsRequest never closed. */
  end(): SubmissionPatientScanResult;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** Bytes handed to the parser at a time, so a large chunk stops being parsed soon after the request closed. */
const SLICE_BYTES = 64 * 1024;
/** As parseXml: ebRIM messages nest under 20 levels, the cap keeps the element stack bounded. */
const MAX_DEPTH = 128;

/** The patientId schemes of ITI TF-3 4.2.3 (SubmissionSet, DocumentEntry, Folder). */
const PATIENT_SCHEMES: ReadonlySet<string> = new Set([
  IDENTIFICATION_SCHEME.submissionSetPatientId,
  IDENTIFICATION_SCHEME.documentEntryPatientId,
  IDENTIFICATION_SCHEME.folderPatientId,
]);

/**
 * What an element is for the scan: the SOAP envelope and body, the ITI-41 wrapper, the submission itself, or
 * anything else (its descendants are then only scanned when it lies inside the submission).
 */
type Role = "envelope" | "body" | "provideAndRegister" | "submission" | "other";

/**
 * Reads the patients an ITI-41 or ITI-42 request publishes for, from the bytes of its SOAP envelope (for MTOM the
 * root part), without holding the message: the gateway decides whether the actor may publish for them before it
 * forwards the request.
 *
 * Where the submission may stand follows what the services read, so the scan cannot be shown one request while the
 * service processes another: the root itself, the first element of the SOAP 1.2 env:Body (ITI TF-2b 3.42.4.1.2,
 * ITI-42), or the first lcm:SubmitObjectsRequest of xdsb:ProvideAndRegisterDocumentSetRequest in either of those
 * places (ITI TF-2b 3.41.4.1.2, ITI-41). The xdsb:Document elements follow the SubmitObjectsRequest in ITI-41 and
 * are never read. Every patientId ExternalIdentifier inside the SubmitObjectsRequest counts, wherever it is nested:
 * reporting a patient the full parse would ignore only makes the gateway's check stricter.
 *
 * An empty patientIds means no patientId was recognised (a scheme UUID misspelt, say): the full parse then finds none
 * either and the services refuse the submission, but the caller must not read it as "nobody to check".
 *
 * Refusals are XmlErrors: XML_MALFORMED, XML_DOCTYPE (refused as parseXml does, XML entity attacks), XML_ENCODING
 * (not UTF-8, ITI TF-2x Appendix V), XML_TOO_DEEP, XML_TOO_LARGE (maxBytes read before the SubmitObjectsRequest
 * closed), XML_TRUNCATED (end() before it closed) and XML_UNEXPECTED_CONTENT (no SubmitObjectsRequest where one must
 * be). After a refusal every further call throws the same error.
 */
export function createSubmissionPatientScan(options: SubmissionPatientScanOptions = {}): SubmissionPatientScan {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // fatal: a broken UTF-8 sequence is refused, never read as U+FFFD; stream: sequences may span chunks.
  // A leading BOM is dropped by the decoder (ignoreBOM is false).
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Role[] = [];
  const patientIds = new Set<string>();
  const sourceIds = new Set<string>();
  let submissionDepth = -1;
  let bodyHadChild = false;
  let seenContent = false;
  let consumed = 0;
  let done: SubmissionPatientScanResult | undefined;
  let failed: XmlError | undefined;
  let refused: XmlError | undefined;

  parser.on("doctype", () => {
    refused ??= new XmlError("XML_DOCTYPE", "DOCTYPE declarations are not accepted (XML entity attacks)");
  });
  parser.on("xmldecl", (decl) => {
    const encoding = decl.encoding?.toLowerCase();
    if (encoding !== undefined && encoding !== "utf-8" && encoding !== "utf8") {
      refused ??= new XmlError("XML_ENCODING", `the document declares ${decl.encoding}; XDS messages are UTF-8`);
    }
  });
  parser.on("opentag", (tag) => {
    if (refused || done) return;
    if (stack.length >= MAX_DEPTH) {
      refused = new XmlError("XML_TOO_DEEP", `elements nested deeper than ${MAX_DEPTH}`);
      return;
    }
    const role = roleOf(tag);
    if (role === undefined) {
      refused = new XmlError("XML_UNEXPECTED_CONTENT", `{${tag.uri}}${tag.local} stands where an ITI-41 or ITI-42 request must be`);
      return;
    }
    if (role === "submission") submissionDepth = stack.length;
    stack.push(role);
    if (submissionDepth >= 0 && isNamed(tag, NS.rim, "ExternalIdentifier")) collect(tag);
  });
  parser.on("closetag", () => {
    if (refused || done) return;
    const role = stack.pop();
    if (role === "submission" && stack.length === submissionDepth) {
      done = { kind: "done", patientIds: [...patientIds], sourceIds: [...sourceIds] };
    } else if (role === "envelope" || role === "body" || role === "provideAndRegister") {
      refused = new XmlError("XML_UNEXPECTED_CONTENT", "the message closed without an lcm:SubmitObjectsRequest");
    }
  });

  function roleOf(tag: SaxesTagNS): Role | undefined {
    const parent = stack[stack.length - 1];
    const submissionOrWrapper = (): Role | undefined =>
      isNamed(tag, NS.lcm, "SubmitObjectsRequest")
        ? "submission"
        : isNamed(tag, NS.xdsb, "ProvideAndRegisterDocumentSetRequest")
          ? "provideAndRegister"
          : undefined;
    if (parent === undefined) return isNamed(tag, NS.soap12, "Envelope") ? "envelope" : submissionOrWrapper();
    if (parent === "envelope") return isNamed(tag, NS.soap12, "Body") ? "body" : "other";
    if (parent === "body") {
      // SOAP 1.2 Part 1 §5.3: the services read the first element of env:Body, and the scan reads the same one.
      if (bodyHadChild) return "other";
      bodyHadChild = true;
      return submissionOrWrapper();
    }
    if (parent === "provideAndRegister" && submissionDepth < 0 && isNamed(tag, NS.lcm, "SubmitObjectsRequest")) return "submission";
    return "other";
  }

  function collect(tag: SaxesTagNS): void {
    const scheme = plainAttribute(tag, "identificationScheme");
    const value = plainAttribute(tag, "value");
    if (scheme === undefined || value === undefined) return;
    if (PATIENT_SCHEMES.has(scheme)) patientIds.add(value);
    else if (scheme === IDENTIFICATION_SCHEME.submissionSetSourceId) sourceIds.add(value);
  }

  function write(bytes: Uint8Array): void {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch (cause) {
      throw new XmlError("XML_ENCODING", "the message is not valid UTF-8", { cause });
    }
    if (!seenContent) {
      // Senders put line breaks before the XML declaration, which the XML grammar does not allow there.
      text = text.trimStart();
      if (text === "") return;
      seenContent = true;
    }
    try {
      parser.write(text);
    } catch (cause) {
      // A refused DOCTYPE explains later failures (an entity it declared is then undefined).
      if (refused) throw refused;
      if (done) return;
      throw new XmlError("XML_MALFORMED", `not well-formed XML: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (refused) throw refused;
  }

  function guarded(step: () => SubmissionPatientScanResult): SubmissionPatientScanResult {
    if (failed) throw failed;
    if (done) return done;
    try {
      return step();
    } catch (e) {
      failed = e instanceof XmlError ? e : new XmlError("XML_MALFORMED", "unreadable XML", { cause: e });
      throw failed;
    }
  }

  return {
    push(chunk) {
      return guarded(() => {
        for (let offset = 0; offset < chunk.byteLength; ) {
          const allowance = maxBytes - consumed;
          if (allowance <= 0) {
            throw new XmlError("XML_TOO_LARGE", `more than ${maxBytes} bytes before the end of lcm:SubmitObjectsRequest`);
          }
          const size = Math.min(chunk.byteLength - offset, SLICE_BYTES, allowance);
          write(chunk.subarray(offset, offset + size));
          consumed += size;
          offset += size;
          if (done) return done;
        }
        return { kind: "more" };
      });
    },
    end() {
      return guarded(() => {
        throw new XmlError("XML_TRUNCATED", "the message ended before lcm:SubmitObjectsRequest closed");
      });
    },
  };
}

function isNamed(tag: SaxesTagNS, ns: string, local: string): boolean {
  return tag.uri === ns && tag.local === local;
}

/** An attribute without namespace, as ebRIM writes them; saxes has already decoded its entity references. */
function plainAttribute(tag: SaxesTagNS, local: string): string | undefined {
  for (const key in tag.attributes) {
    const a = tag.attributes[key];
    if (a && a.uri === "" && a.local === local) return a.value;
  }
  return undefined;
}
