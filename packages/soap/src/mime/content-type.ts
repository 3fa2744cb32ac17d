/**
 * Content-Type header values (RFC 2045 §5.1): `type/subtype *(";" parameter)`, where a parameter value is a token
 * or a quoted-string (RFC 822 / RFC 5322 §3.2.4, backslash quoting).
 *
 * The parser is deliberately lenient because real XDS stacks are not strict: Axis2 captures carry trailing blanks,
 * boundaries come quoted or not, some clients repeat or omit semicolons. It never throws; callers decide what
 * a missing media type or parameter means.
 */
export interface ContentType {
  /** `type/subtype`, lowercased (media types are case-insensitive, RFC 2045 §5.1). */
  readonly mediaType: string;
  /** Parameters by lowercased name (names are case-insensitive, RFC 2045 §5.1); values unquoted, as sent. */
  readonly params: Readonly<Record<string, string>>;
}

export function parseContentType(header: string): ContentType {
  const semi = header.indexOf(";");
  const mediaType = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  let i = semi === -1 ? header.length : semi + 1;
  const n = header.length;
  while (i < n) {
    // Skip blanks and stray semicolons between parameters ("; ;", trailing ";").
    while (i < n && (header[i] === ";" || isBlank(header.charCodeAt(i)))) i++;
    if (i >= n) break;
    let nameEnd = i;
    while (nameEnd < n && header[nameEnd] !== "=" && header[nameEnd] !== ";") nameEnd++;
    const name = header.slice(i, nameEnd).trim().toLowerCase();
    if (nameEnd >= n || header[nameEnd] === ";") {
      // A bare word with no "=": not a parameter, ignore it.
      i = nameEnd;
      continue;
    }
    i = nameEnd + 1;
    while (i < n && isBlank(header.charCodeAt(i))) i++;
    let value: string;
    if (header[i] === '"') {
      const quoted = readQuoted(header, i);
      value = quoted.value;
      i = quoted.end;
      // Anything between the closing quote and the next ";" is junk; skip it.
      while (i < n && header[i] !== ";") i++;
    } else {
      let end = i;
      while (end < n && header[end] !== ";") end++;
      value = header.slice(i, end).trim();
      i = end;
    }
    // The first occurrence wins: a repeated parameter is a sender bug and the first is what most stacks read.
    if (name !== "" && !Object.hasOwn(params, name)) params[name] = value;
  }
  return { mediaType, params };
}

/** Reads a quoted-string starting at the opening quote; an unterminated one runs to the end of the header. */
function readQuoted(s: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      value += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    value += c;
    i++;
  }
  return { value, end: i };
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

// RFC 2045 §5.1: token = 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface FormatContentTypeOptions {
  /**
   * "when-needed" (default) quotes only values that are not RFC 2045 tokens; "always" quotes every value, which
   * is what Axis2 and CXF emit for multipart/related and what some of their parsers expect.
   */
  readonly quote?: "when-needed" | "always";
}

/** Formats a Content-Type value; parameters are written in the iteration order of `params`. */
export function formatContentType(
  mediaType: string,
  params: Readonly<Record<string, string | undefined>> = {},
  options: FormatContentTypeOptions = {},
): string {
  let out = mediaType;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // A CR or LF would end the header line (header injection); fold them into blanks.
    const v = value.replace(/[\r\n]+/g, " ");
    const quote = options.quote === "always" || !TOKEN.test(v);
    out += `; ${name}=${quote ? `"${v.replace(/(["\\])/g, "\\$1")}"` : v}`;
  }
  return out;
}
