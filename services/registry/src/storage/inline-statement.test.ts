import { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import { inlineStatement } from "./inline-statement.js";

const compiled = (sql: string, parameters: unknown[]): CompiledQuery => ({ ...CompiledQuery.raw(sql), parameters });

describe("inlineStatement", () => {
  it("writes strings as standard literals, a quote doubled and a backslash kept", () => {
    expect(inlineStatement(compiled(`insert into t ("a", "b") values ($1, $2)`, [`O'Brien`, `C:\\temp\\n`]))).toBe(
      `insert into t ("a", "b") values ('O''Brien', 'C:\\temp\\n')`,
    );
  });

  it("writes null, undefined, numbers, bigints and booleans", () => {
    expect(inlineStatement(compiled(`values ($1, $2, $3, $4, $5, $6)`, [null, undefined, 42, 7n, true, false]))).toBe(
      `values (NULL, NULL, '42', '7', true, false)`,
    );
  });

  it("replaces $10 as the tenth parameter, not as $1 followed by 0", () => {
    const parameters = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlineStatement(compiled(`select $1, $10`, parameters))).toBe(`select 'v1', 'v10'`);
  });

  it("leaves a value that looks like a placeholder as it is", () => {
    expect(inlineStatement(compiled(`select $1, $2`, ["$2", "x"]))).toBe(`select '$2', 'x'`);
  });

  it("refuses a placeholder without its parameter and values it cannot write", () => {
    expect(() => inlineStatement(compiled(`select $2`, ["a"]))).toThrow(/no parameter \$2/);
    expect(() => inlineStatement(compiled(`select $1`, [Number.NaN]))).toThrow(/no SQL literal/);
    expect(() => inlineStatement(compiled(`select $1`, [new Date(0)]))).toThrow(/no SQL literal/);
  });
});
