import { newContentId } from "@opendsp/soap";
import type { GlobalSettings } from "../commands/command-context.js";
import { XdsTransactionError } from "../errors/platform-errors.js";
import { buildDocumentSubmission } from "../metadata/document-submission.builder.js";
import type { Output } from "../output/output.js";
import { provideAndRegister } from "../transport/iti-41-provide-and-register.call.js";
import { putPatient } from "../transport/patient-admin.call.js";
import { ProgressBar } from "./progress-bar.js";
import { SEED_MIX } from "./seed-mix.js";
import { syntheticDocument } from "./synthetic-document.js";
import { syntheticPatient } from "./synthetic-people.js";

export interface SeedPlan {
  readonly seed: number;
  /** Documents are dated up to this day; with the seed it fixes the data set. */
  readonly until: Date;
  readonly patients: number;
  readonly documents: number;
  readonly concurrency: number;
}

export interface SeedSummary {
  readonly seed: number;
  readonly until: string;
  readonly patients: { readonly total: number; readonly added: number; readonly alreadyKnown: number };
  readonly documents: { readonly total: number; readonly published: number; readonly alreadyPresent: number };
  /** Documents per category name (published or already present), in the order of the mix. */
  readonly byCategory: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  readonly documentsPerSecond: number;
}

/**
 * Loads a synthetic data set through the platform's real transactions: every patient through the admin API, then
 * every document as its own ITI-41 submission, `concurrency` requests at a time. The first failure stops it
 * (requests under way finish) and is thrown. A document already registered under the same uniqueId (the same seed
 * loaded before) counts as already present, so loading a seed twice is harmless.
 */
export async function runSeed(plan: SeedPlan, settings: GlobalSettings, output: Output): Promise<SeedSummary> {
  const { endpoints, timeoutMs, signal } = settings;
  const started = performance.now();
  let added = 0;
  let known = 0;
  const patientsBar = new ProgressBar(output, "patients ", plan.patients);
  try {
    await runPool(plan.patients, plan.concurrency, signal, async (i) => {
      const { outcome } = await putPatient(endpoints.patientsApiUrl, syntheticPatient(plan.seed, i, plan.until).patientId, timeoutMs, signal);
      if (outcome === "created") added++;
      else known++;
      patientsBar.tick();
    });
  } finally {
    patientsBar.finish();
  }

  const byCategory = new Map<string, number>(SEED_MIX.map((m) => [m.category.name, 0]));
  let published = 0;
  let alreadyPresent = 0;
  const documentsStarted = performance.now();
  const documentsBar = new ProgressBar(output, "documents", plan.documents);
  try {
    await runPool(plan.documents, plan.concurrency, signal, async (i) => {
      const doc = syntheticDocument(plan.seed, i, plan.patients, plan.until);
      const contentId = newContentId("opendsp-seed");
      const submission = buildDocumentSubmission({ ...doc.metadata, contentId });
      try {
        await provideAndRegister({
          repositoryUrl: endpoints.repositorySoapUrl,
          request: submission.request,
          attachments: [{ contentId, contentType: doc.metadata.mimeType, body: doc.content }],
          idleTimeoutMs: timeoutMs,
          ...(signal === undefined ? {} : { signal }),
        });
        published++;
      } catch (err) {
        if (!isAlreadyRegistered(err)) throw err;
        alreadyPresent++;
      }
      byCategory.set(doc.mix.category.name, (byCategory.get(doc.mix.category.name) ?? 0) + 1);
      documentsBar.tick();
    });
  } catch (err) {
    documentsBar.finish();
    output.info(`seed stopped after ${published + alreadyPresent} of ${plan.documents} documents (${added + known} patients fed)`);
    throw err;
  }
  documentsBar.finish();

  const now = performance.now();
  const documentSeconds = (now - documentsStarted) / 1000;
  return {
    seed: plan.seed,
    until: plan.until.toISOString().slice(0, 10),
    patients: { total: plan.patients, added, alreadyKnown: known },
    documents: { total: plan.documents, published, alreadyPresent },
    byCategory: Object.fromEntries([...byCategory].filter(([, n]) => n > 0)),
    elapsedMs: now - started,
    documentsPerSecond: documentSeconds > 0 ? plan.documents / documentSeconds : 0,
  };
}

/** ITI TF-3 Table 4.2.4.1-2: the registry refuses a uniqueId it holds already; nothing else means "already there". */
function isAlreadyRegistered(err: unknown): boolean {
  return (
    err instanceof XdsTransactionError &&
    err.errors.length > 0 &&
    err.errors.every((e) => e.errorCode === "XDSDuplicateUniqueIdInRegistry" || e.severity.endsWith(":Warning"))
  );
}

/**
 * Runs task(0..count-1) with at most `concurrency` at a time. After the first failure, or once `signal` is aborted,
 * no new task starts; once the running ones have settled, the first failure is thrown (the abort reason if none).
 */
export async function runPool(count: number, concurrency: number, signal: AbortSignal | undefined, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count && signal?.aborted !== true) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted === true && next < count) throw signal.reason;
}
