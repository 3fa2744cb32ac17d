import { randomUUID } from "node:crypto";

// A caller's X-Request-Id is kept when it is a plausible id (no room for log injection); otherwise a new one.
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The id a request goes by in logs, at the service and in the answer: the caller's X-Request-Id, or a new UUID. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}
