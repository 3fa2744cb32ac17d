import { describe, expect, it } from "vitest";
import { parseParamValue } from "./query-param-value.js";

describe("stored-query parameter value syntax (ITI TF-2a 3.18.4.1.2.3.5)", () => {
  it("reads a quoted string, undoing the doubled quote", () => {
    expect(parseParamValue("'test1234_1^^^&1.2.3&ISO'")).toEqual({
      ok: true,
      value: { isList: false, atoms: [{ kind: "string", text: "test1234_1^^^&1.2.3&ISO" }] },
    });
    expect(parseParamValue("'O''Brien'")).toEqual({ ok: true, value: { isList: false, atoms: [{ kind: "string", text: "O'Brien" }] } });
    expect(parseParamValue("''''")).toEqual({ ok: true, value: { isList: false, atoms: [{ kind: "string", text: "'" }] } });
    expect(parseParamValue("''")).toEqual({ ok: true, value: { isList: false, atoms: [{ kind: "string", text: "" }] } });
  });

  it("reads an unquoted number", () => {
    expect(parseParamValue(" 200412 ")).toEqual({ ok: true, value: { isList: false, atoms: [{ kind: "number", text: "200412" }] } });
    expect(parseParamValue("2")).toEqual({ ok: true, value: { isList: false, atoms: [{ kind: "number", text: "2" }] } });
  });

  it("reads lists with or without spaces, of one or several items", () => {
    expect(parseParamValue("('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')")).toEqual({
      ok: true,
      value: { isList: true, atoms: [{ kind: "string", text: "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved" }] },
    });
    expect(parseParamValue("( 'a' ,'b','c''d' )")).toEqual({
      ok: true,
      value: {
        isList: true,
        atoms: [
          { kind: "string", text: "a" },
          { kind: "string", text: "b" },
          { kind: "string", text: "c'd" },
        ],
      },
    });
    expect(parseParamValue("('a,b', 'c)')")).toEqual({
      ok: true,
      value: {
        isList: true,
        atoms: [
          { kind: "string", text: "a,b" },
          { kind: "string", text: "c)" },
        ],
      },
    });
  });

  it.each([
    ["", "empty value"],
    ["   ", "empty value"],
    ["'unterminated", "string without closing quote"],
    ["urn:uuid:1234", "strings must be in single quotes"],
    ["('a', 'b'", "list without closing parenthesis"],
    ["('a' 'b')", "unexpected ''' in a list"],
    ["()", "empty list item"],
    ["('a',)", "empty list item"],
    ["'a' 'b'", "unexpected text after the value: 'b'"],
    ["200412abc", "unexpected text after the value: abc"],
    ["('a') x", "unexpected text after the value: x"],
  ])("refuses %j (%s)", (raw, reason) => {
    expect(parseParamValue(raw)).toEqual({ ok: false, reason });
  });
});
