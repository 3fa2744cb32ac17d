import type { CompiledQuery } from "kysely";

/**
 * The text of a compiled statement with each $n placeholder replaced by its value as a SQL literal, for a statement
 * that travels as a value (register_if_clear runs it with EXECUTE, with standard_conforming_strings on, so a quote
 * doubled is the only escape a string needs). Only the placeholders kysely writes carry a $: identifiers are quoted
 * names without one, and values never enter the text.
 */
export function inlineStatement(compiled: CompiledQuery): string {
  return compiled.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= compiled.parameters.length) throw new Error(`the statement has no parameter $${n}`);
    return literal(compiled.parameters[index]);
  });
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`the number ${value} has no SQL literal`);
    return `'${value.toString()}'`;
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  throw new Error(`a ${typeof value} parameter has no SQL literal here`);
}
