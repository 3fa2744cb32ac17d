/**
 * Content-ID values and `cid:` URLs.
 *
 * A MIME part names itself with `Content-ID: <id>` (RFC 2045 §7, msg-id syntax with angle brackets); an
 * xop:Include points at it with `href="cid:id"` where the id is URL-encoded (RFC 2392 §2: "%hh" escapes for
 * characters not allowed in URLs) and without the brackets (XOP 1.0 §4.3). Real senders vary: Content-ID with or
 * without brackets, hrefs encoded or not, so every comparison goes through the normalized and decoded forms.
 */

/** Trims a Content-ID header value (or a `start` parameter) and removes the surrounding angle brackets. */
export function normalizeContentId(headerValue: string): string {
  let s = headerValue.trim();
  if (s.startsWith("<")) s = s.slice(1);
  if (s.endsWith(">")) s = s.slice(0, -1);
  return s.trim();
}

/** The Content-ID an `href` points at, or undefined when the href is not a `cid:` URL (scheme case-insensitive). */
export function contentIdFromHref(href: string): string | undefined {
  const h = href.trim();
  if (!/^cid:/i.test(h)) return undefined;
  return normalizeContentId(percentDecode(h.slice(4)));
}

/** A lookup key: normalized and percent-decoded, so `cid:a%40b` and `<a@b>` give the same key. */
export function contentIdKey(id: string): string {
  return percentDecode(normalizeContentId(id));
}

/** True when two Content-ID values (header form, `start` form or decoded href) name the same part. */
export function contentIdsEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const na = normalizeContentId(a);
  const nb = normalizeContentId(b);
  return na === nb || contentIdKey(na) === contentIdKey(nb);
}

/**
 * RFC 2392 decoding. A malformed escape ("%zz", lone "%") is kept as is rather than rejected: the id is then
 * compared literally, which is what a sender that did not encode meant.
 */
function percentDecode(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
