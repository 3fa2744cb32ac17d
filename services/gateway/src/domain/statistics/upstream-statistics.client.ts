import { AppError, messageOf } from "@opendsp/platform";
import type { TSchema, Static } from "typebox";
import Value from "typebox/value";
import { request, type Dispatcher } from "undici";

/** A service could not give its statistics, or gave an answer of another shape: nothing is published. */
export class StatisticsUnavailableError extends AppError {
  override readonly name = "StatisticsUnavailableError";
  readonly service: string;
  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super("GW_STATISTICS_UNAVAILABLE", message, options);
    this.service = service;
  }
}

export interface StatisticsSource {
  readonly agent: Dispatcher;
  readonly timeoutMs: number;
}

/** GETs a service's statistics as JSON and checks them against `schema`. */
export async function fetchStatistics<S extends TSchema>(source: StatisticsSource, service: string, url: string, schema: S): Promise<Static<S>> {
  let body: unknown;
  try {
    const res = await request(url, { dispatcher: source.agent, method: "GET", headers: { accept: "application/json" }, signal: AbortSignal.timeout(source.timeoutMs) });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new StatisticsUnavailableError(service, `the ${service} answered its statistics with ${res.statusCode}`);
    }
    body = await res.body.json();
  } catch (cause) {
    if (cause instanceof StatisticsUnavailableError) throw cause;
    const timedOut = (cause as { name?: unknown }).name === "TimeoutError";
    throw new StatisticsUnavailableError(service, timedOut ? `the ${service} gave no statistics within ${source.timeoutMs} ms` : `the ${service}'s statistics could not be read: ${messageOf(cause)}`, { cause });
  }
  if (!Value.Check(schema, body)) throw new StatisticsUnavailableError(service, `the ${service}'s statistics are not of the expected shape`);
  return body;
}
