import { networkReason } from "../errors/describe-error.js";
import { HttpUnreachableError, ProblemDetailsError, UnexpectedAnswerError, type ProblemDetails } from "../errors/platform-errors.js";

/** A patient identity as the admin API returns it (services/registry/src/routes/patients.route.ts). */
export interface PatientIdentity {
  readonly patientId: string;
  readonly status: "active" | "merged";
  readonly mergedInto: string | null;
}

export interface PutPatientResult {
  /** created (HTTP 201) or updated (200: already known, or a merged id made active again). */
  readonly outcome: "created" | "updated";
  readonly patient: PatientIdentity;
}

/**
 * Adds or updates a patient id through the JSON admin API: PUT {api}/{CX id, URL-encoded}, no body. The API keeps
 * identifiers only, as the ITI-8 feed does (demographics travel with each document, in sourcePatientInfo).
 */
export async function putPatient(patientsApiUrl: string, patientId: string, timeoutMs: number, signal?: AbortSignal): Promise<PutPatientResult> {
  const url = `${patientsApiUrl}/${encodeURIComponent(patientId)}`;
  const res = await request(url, "PUT", timeoutMs, signal);
  if (res.status !== 200 && res.status !== 201) throw await problemOf(url, res);
  return { outcome: res.status === 201 ? "created" : "updated", patient: await patientOf(url, res) };
}

/** Reads a patient id's status; undefined when the registry does not know it (404). */
export async function getPatient(patientsApiUrl: string, patientId: string, timeoutMs: number, signal?: AbortSignal): Promise<PatientIdentity | undefined> {
  const url = `${patientsApiUrl}/${encodeURIComponent(patientId)}`;
  const res = await request(url, "GET", timeoutMs, signal);
  if (res.status === 404) {
    const problem = await problemOf(url, res);
    // A 404 without the API's problem type is a wrong URL, not an unknown patient.
    if (problem.problem?.type === "urn:opendsp:problem:unknown-patient") return undefined;
    throw problem;
  }
  if (res.status !== 200) throw await problemOf(url, res);
  return patientOf(url, res);
}

async function request(url: string, method: "GET" | "PUT", timeoutMs: number, interrupt?: AbortSignal): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = interrupt ? AbortSignal.any([timeout, interrupt]) : timeout;
  try {
    return await fetch(url, { method, headers: { accept: "application/json, application/problem+json" }, signal, redirect: "error" });
  } catch (cause) {
    if (timeout.aborted) throw new HttpUnreachableError(url, `no answer within ${Math.round(timeoutMs / 1000)} s`, true, { cause });
    throw new HttpUnreachableError(url, networkReason(cause) ?? "no connection", false, { cause });
  }
}

async function patientOf(url: string, res: Response): Promise<PatientIdentity> {
  const body = (await res.json().catch(() => undefined)) as Partial<PatientIdentity> | undefined;
  if (!body || typeof body.patientId !== "string" || (body.status !== "active" && body.status !== "merged")) {
    throw new UnexpectedAnswerError(`${url} answered HTTP ${res.status} without a patient identity: is it the OpenDSP admin API (check --url)?`);
  }
  return { patientId: body.patientId, status: body.status, mergedInto: typeof body.mergedInto === "string" ? body.mergedInto : null };
}

/** RFC 9457: problem details come as application/problem+json; anything else is reported without them. */
async function problemOf(url: string, res: Response): Promise<ProblemDetailsError> {
  const type = res.headers.get("content-type") ?? "";
  if (!/^application\/(problem\+)?json/i.test(type)) {
    await res.body?.cancel();
    return new ProblemDetailsError(url, res.status, undefined);
  }
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return new ProblemDetailsError(url, res.status, undefined);
  const problem: { -readonly [K in keyof ProblemDetails]: ProblemDetails[K] } = {};
  if (typeof body["type"] === "string") problem.type = body["type"];
  if (typeof body["title"] === "string") problem.title = body["title"];
  if (typeof body["status"] === "number") problem.status = body["status"];
  if (typeof body["detail"] === "string") problem.detail = body["detail"];
  return new ProblemDetailsError(url, res.status, problem.title === undefined && problem.detail === undefined ? undefined : problem);
}
