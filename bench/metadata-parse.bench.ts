import { parseSubmitObjectsRequest, serializeSubmitObjectsRequest, validateSubmission } from "@opendsp/ebxml";
import { pathToFileURL } from "node:url";
import { realisticSubmissionXml } from "./realistic-submission.js";

export interface MetadataBenchFigures {
  readonly messageBytes: number;
  readonly parseValidate: { readonly messagesPerSecond: number; readonly megabytesPerSecond: number };
  readonly parseSerialize: { readonly messagesPerSecond: number; readonly megabytesPerSecond: number };
}

/** Runs `work` for about `seconds` after a warm-up and returns messages per second. */
function rate(seconds: number, work: () => void): number {
  for (let i = 0; i < 500; i++) work();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) work();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Metadata parse + validate and parse + serialize of one realistic submission, on one core. */
export function runMetadataBench(seconds = 3): MetadataBenchFigures {
  const xml = Buffer.from(realisticSubmissionXml(), "utf8");
  const check = parseSubmitObjectsRequest(xml);
  if (!check.ok) throw new Error("the benchmark message does not parse");
  const errors = validateSubmission(check.value, { transaction: "ITI-42" }).errors;
  if (errors.length) throw new Error(`the benchmark message is not valid: ${errors.map((e) => e.codeContext).join("; ")}`);

  const mb = xml.length / 1e6;
  const pv = rate(seconds, () => {
    const r = parseSubmitObjectsRequest(xml);
    if (r.ok) validateSubmission(r.value, { transaction: "ITI-42" });
  });
  const ps = rate(seconds, () => {
    const r = parseSubmitObjectsRequest(xml);
    if (r.ok) serializeSubmitObjectsRequest(r.value);
  });
  return {
    messageBytes: xml.length,
    parseValidate: { messagesPerSecond: pv, megabytesPerSecond: pv * mb },
    parseSerialize: { messagesPerSecond: ps, megabytesPerSecond: ps * mb },
  };
}

export function printMetadataFigures(f: MetadataBenchFigures): void {
  console.log(`metadata: realistic 1-document submission, ${(f.messageBytes / 1024).toFixed(1)} KiB`);
  console.log(
    `  parse + validate:  ${f.parseValidate.messagesPerSecond.toFixed(0)} messages/s, ${f.parseValidate.megabytesPerSecond.toFixed(1)} MB/s`,
  );
  console.log(
    `  parse + serialize: ${f.parseSerialize.messagesPerSecond.toFixed(0)} messages/s, ${f.parseSerialize.megabytesPerSecond.toFixed(1)} MB/s (target >= 20 MB/s)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printMetadataFigures(runMetadataBench());
}
