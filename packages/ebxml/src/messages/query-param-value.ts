/**
 * The syntax of one stored-query parameter Value (ITI TF-2a 3.18.4.1.2.3.5): a string in single quotes with ''
 * standing for a quote ('O''Brien'), a number without quotes (200412), or a list of those in parentheses
 * ('a', 'b'). Whitespace around items is allowed. Pure: no knowledge of which parameter the value belongs to.
 */

export interface ParamAtom {
  readonly kind: "string" | "number";
  readonly text: string;
}

export interface ParsedParamValue {
  /** Written as a parenthesized list (even of one item). */
  readonly isList: boolean;
  readonly atoms: readonly ParamAtom[];
}

export type ParamValueResult =
  | { readonly ok: true; readonly value: ParsedParamValue }
  | { readonly ok: false; readonly reason: string };

const NUMBER = /^[-+]?\d+(\.\d+)?/;

export function parseParamValue(raw: string): ParamValueResult {
  const scanner = { text: raw, pos: 0 };
  skipSpace(scanner);
  if (scanner.pos >= raw.length) return { ok: false, reason: "empty value" };
  const atoms: ParamAtom[] = [];
  const isList = raw[scanner.pos] === "(";
  if (isList) {
    scanner.pos += 1;
    for (;;) {
      skipSpace(scanner);
      const atom = readAtom(scanner);
      if (typeof atom === "string") return { ok: false, reason: atom };
      atoms.push(atom);
      skipSpace(scanner);
      const c = raw[scanner.pos];
      scanner.pos += 1;
      if (c === ")") break;
      if (c !== ",") return { ok: false, reason: c === undefined ? "list without closing parenthesis" : `unexpected '${c}' in a list` };
    }
  } else {
    const atom = readAtom(scanner);
    if (typeof atom === "string") return { ok: false, reason: atom };
    atoms.push(atom);
  }
  skipSpace(scanner);
  if (scanner.pos < raw.length) return { ok: false, reason: `unexpected text after the value: ${raw.slice(scanner.pos, scanner.pos + 20)}` };
  return { ok: true, value: { isList, atoms } };
}

interface Scanner {
  readonly text: string;
  pos: number;
}

function skipSpace(s: Scanner): void {
  while (s.pos < s.text.length && /\s/.test(s.text[s.pos] ?? "")) s.pos += 1;
}

/** A quoted string or a number; a string describing the problem otherwise. */
function readAtom(s: Scanner): ParamAtom | string {
  if (s.text[s.pos] === "'") {
    let out = "";
    let i = s.pos + 1;
    for (;;) {
      const q = s.text.indexOf("'", i);
      if (q < 0) return "string without closing quote";
      out += s.text.slice(i, q);
      if (s.text[q + 1] === "'") {
        out += "'";
        i = q + 2;
        continue;
      }
      s.pos = q + 1;
      return { kind: "string", text: out };
    }
  }
  const number = NUMBER.exec(s.text.slice(s.pos));
  if (number) {
    s.pos += number[0].length;
    return { kind: "number", text: number[0] };
  }
  if (s.pos >= s.text.length || s.text[s.pos] === ")") return "empty list item";
  return "strings must be in single quotes";
}
