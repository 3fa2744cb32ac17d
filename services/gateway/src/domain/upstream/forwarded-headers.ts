import { ACCESS_HEADER, ACTOR_HEADER, GRANT_HEADER } from "@opendsp/platform";
import { SECURITY_VERIFIED_HEADER } from "@opendsp/soap";
import type { IncomingHttpHeaders } from "node:http";

/**
 * RFC 9110 §7.6.1: hop-by-hop fields (Connection and the fields it names, Keep-Alive, TE, Transfer-Encoding,
 * Upgrade, Proxy-*) belong to one connection and are never forwarded. Host is the upstream's; Expect is answered here.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
]);

/** The end-to-end header fields of a message, minus those `drop` says (given lowercase names). */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop: (lower: string) => boolean = () => false): Record<string, string | string[]> {
  const named = connectionOptions(headers["connection"]);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.includes(lower) || drop(lower)) continue;
    out[lower] = value;
  }
  return out;
}

/**
 * The calling system the gateway authenticated (mutual TLS), for the services' audit records. Only the gateway sets
 * it: a client's own value would let it pass as another system, so it is always removed from what the client sent.
 */
export const SYSTEM_HEADER = "x-opendsp-system";


/**
 * Fields the gateway sets itself on a forwarded request (the id, X-Forwarded-* extended with this hop, the calling
 * system); the client's own values never reach a service.
 */
export const SET_ON_REQUEST: readonly string[] = ["x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", SYSTEM_HEADER];
const SET_ON_REQUEST_NAMES = new Set(SET_ON_REQUEST);

/**
 * X-OpenDSP-* fields carry what the gateway established (the calling system, the acting user, the access
 * restriction the registry applies in its queries): the services trust them because only the gateway reaches them.
 * Whatever a client sends under that prefix is therefore removed, even a name the gateway does not set today.
 */
const RESERVED_PREFIX = "x-opendsp-";

/** A request field a client may not pass on to a service (lowercase name). */
export const setByGatewayOnly = (lower: string): boolean => SET_ON_REQUEST_NAMES.has(lower) || lower.startsWith(RESERVED_PREFIX);
/** Fields the gateway sets itself on an answer (Node's own Date, the request's id). */
const SET_ON_ANSWER = new Set(["date", "x-request-id"]);

/**
 * The request's header fields for the service as a flat [name, value, ...] list, straight from the raw fields as
 * received (no object is built per request): the end-to-end fields, then X-Forwarded-*, X-Request-Id and, when the
 * edge authenticated the calling system, X-OpenDSP-System with its id; with access control, X-OpenDSP-Actor and
 * X-OpenDSP-Access, and X-OpenDSP-Grant when a right let the request through.
 */
export function forwardedRequestFields(
  rawHeaders: readonly string[],
  headers: IncomingHttpHeaders,
  clientIp: string,
  protocol: "http" | "https",
  requestId: string,
  edge: { readonly systemId?: string | undefined; readonly securityVerified?: boolean; readonly actor?: string | undefined; readonly access?: string | undefined; readonly grant?: string | undefined } = {},
): string[] {
  const named = connectionOptions(headers.connection);
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || setByGatewayOnly(lower) || (named.length > 0 && named.includes(lower))) continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  const forwarded = forwardedFor(headers, clientIp, protocol);
  for (const name in forwarded) out.push(name, forwarded[name] as string);
  out.push("x-request-id", requestId);
  if (edge.systemId !== undefined) out.push(SYSTEM_HEADER, edge.systemId);
  // The edge verified the XUA assertion: a mandatory wsse:Security block is then understood by the service.
  if (edge.securityVerified === true) out.push(SECURITY_VERIFIED_HEADER, "wsse:Security");
  // The consent step's outcome: who acts (for the services' audit) and what they may see (registry and repository).
  if (edge.actor !== undefined) out.push(ACTOR_HEADER, edge.actor);
  if (edge.access !== undefined) out.push(ACCESS_HEADER, edge.access);
  if (edge.grant !== undefined) out.push(GRANT_HEADER, edge.grant);
  return out;
}

/**
 * A service's answer header fields for the client as a flat [name, value, ...] list: the end-to-end fields, minus
 * Date (Node writes its own) and X-Request-Id (the request's id is answered).
 */
export function answerFields(headers: IncomingHttpHeaders, requestId: string): string[] {
  const named = connectionOptions(headers.connection);
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || SET_ON_ANSWER.has(name) || (named.length > 0 && named.includes(name))) continue;
    if (typeof value === "string") out.push(name, value);
    else for (const each of value) out.push(name, each);
  }
  out.push("x-request-id", requestId);
  return out;
}

/** The field names listed in Connection (RFC 9110 §7.6.1), lowercase. */
function connectionOptions(connection: string | string[] | undefined): string[] {
  if (connection === undefined) return [];
  const out: string[] = [];
  for (const token of String(connection).split(",")) {
    const name = token.trim().toLowerCase();
    if (name !== "") out.push(name);
  }
  return out;
}

/** X-Forwarded-* for the service: who called, over what, at which host (de facto standard fields). */
export function forwardedFor(headers: IncomingHttpHeaders, clientIp: string, protocol: "http" | "https"): Record<string, string> {
  const previous = headers["x-forwarded-for"];
  const chain = [typeof previous === "string" ? previous : previous?.join(", "), clientIp].filter(Boolean).join(", ");
  return {
    "x-forwarded-for": chain,
    "x-forwarded-proto": firstValue(headers["x-forwarded-proto"]) ?? protocol,
    ...(headers.host === undefined ? {} : { "x-forwarded-host": firstValue(headers["x-forwarded-host"]) ?? headers.host }),
  };
}

/** The first value of a possibly repeated or comma-separated field. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  const first = raw?.split(",")[0]?.trim();
  return first === "" ? undefined : first;
}
