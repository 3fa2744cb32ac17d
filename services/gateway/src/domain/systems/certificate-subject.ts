/**
 * Subject distinguished names, compared as the set of their attributes.
 *
 * A DN written by an operator (RFC 4514: "CN=lab-system,O=Laboratoire Test", most specific first) and the subject
 * Node reports for a peer certificate (OpenSSL order, C first) list the same attributes in opposite orders, so the
 * comparison ignores order: two DNs are the same when they hold the same attribute type and value pairs, each as
 * many times. Every attribute must match: "CN=lab" does not match a certificate for "CN=lab,O=Other".
 * Types are OpenSSL's short names (CN, O, OU, C, L, ST, DC, UID, emailAddress...), compared without case; values
 * are compared exactly.
 */

/** A subject as a canonical text, equal for equal subjects whatever their attribute order. */
export type SubjectKey = string & { readonly __subjectKey: unique symbol };

export class SubjectSyntaxError extends Error {
  override readonly name = "SubjectSyntaxError";
}

/** Parses an RFC 4514 DN string (also with newlines between attributes, as Node prints subjects) into its key. */
export function subjectKeyOfText(dn: string): SubjectKey {
  const pairs: [string, string][] = [];
  let type = "";
  let value = "";
  let inValue = false;
  let trailingSpaces = 0;
  const flush = (): void => {
    const name = type.trim();
    if (!inValue || name === "") throw new SubjectSyntaxError(`"${dn}" is not a distinguished name: each attribute is TYPE=value`);
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(name)) throw new SubjectSyntaxError(`"${name}" is not an attribute type`);
    pairs.push([name, trailingSpaces > 0 ? value.slice(0, -trailingSpaces) : value]);
    type = "";
    value = "";
    inValue = false;
    trailingSpaces = 0;
  };
  const bytes = Buffer.from(dn, "utf8");
  let i = 0;
  const pending: number[] = [];
  const take = (): void => {
    if (pending.length > 0) {
      value += Buffer.from(pending).toString("utf8");
      pending.length = 0;
    }
  };
  while (i < bytes.length) {
    const c = bytes[i] as number;
    const ch = String.fromCharCode(c);
    if (!inValue) {
      if (ch === "=") inValue = true;
      else if (ch === "," || ch === "+" || ch === "\n") throw new SubjectSyntaxError(`"${dn}" is not a distinguished name: each attribute is TYPE=value`);
      else type += ch;
      i++;
      continue;
    }
    if (ch === "\\") {
      // RFC 4514 §2.4: a backslash escapes a special character or gives a byte as two hex digits.
      const next = bytes[i + 1];
      if (next === undefined) throw new SubjectSyntaxError(`"${dn}" ends with a lone backslash`);
      const hex = bytes.subarray(i + 1, i + 3).toString("latin1");
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        pending.push(Number.parseInt(hex, 16));
        i += 3;
      } else {
        take();
        value += String.fromCharCode(next);
        i += 2;
      }
      trailingSpaces = 0;
      continue;
    }
    take();
    if (ch === "," || ch === "+" || ch === "\n") {
      flush();
      i++;
      continue;
    }
    if (ch === " " && value === "" && pending.length === 0) {
      // Spaces around "=" are not part of the value (unescaped leading spaces, RFC 4514 §2.4).
      i++;
      continue;
    }
    // A run of non-ASCII bytes is one or more UTF-8 characters, decoded as a whole.
    let end = i + 1;
    if (c >= 0x80) while (end < bytes.length && (bytes[end] as number) >= 0x80) end++;
    const text = bytes.subarray(i, end).toString("utf8");
    value += text;
    trailingSpaces = ch === " " ? trailingSpaces + 1 : 0;
    i = end;
  }
  take();
  flush();
  return keyOf(pairs);
}

/** The key of a subject as Node gives it for a peer certificate (tls getPeerCertificate().subject). */
export function subjectKeyOfCertificate(subject: Readonly<Record<string, string | readonly string[] | undefined>>): SubjectKey {
  const pairs: [string, string][] = [];
  for (const [type, value] of Object.entries(subject)) {
    if (value === undefined) continue;
    for (const each of typeof value === "string" ? [value] : value) pairs.push([type, each]);
  }
  return keyOf(pairs);
}

function keyOf(pairs: readonly [string, string][]): SubjectKey {
  const normalized = pairs.map(([type, value]) => [type.toUpperCase(), value] as const);
  normalized.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return JSON.stringify(normalized) as SubjectKey;
}
