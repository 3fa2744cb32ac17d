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

/** The end-to-end header fields of a message, minus `drop` (lowercase names). */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop: readonly string[] = []): Record<string, string | string[]> {
  const named = String(headers["connection"] ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.includes(lower) || drop.includes(lower)) continue;
    out[lower] = value;
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
