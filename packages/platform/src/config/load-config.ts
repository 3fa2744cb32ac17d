import type { Static, TObject } from "typebox";
import Value from "typebox/value";
import { AppError } from "../errors/app-error.js";

export class ConfigError extends AppError {
  override readonly name = "ConfigError";
}

/**
 * Reads a service's configuration from the environment once, at start: only the schema's keys are taken,
 * strings are converted to the schema's types, defaults filled in, and every problem is reported together.
 */
export function loadConfig<S extends TObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  service: string,
): Static<S> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== "") picked[key] = v;
  }
  const value = Value.Convert(schema, Value.Default(schema, picked));
  if (Value.Check(schema, value)) return value;
  const problems = [...Value.Errors(schema, value)].map((e) => `${e.instancePath.slice(1) || "(root)"} ${e.message}`);
  throw new ConfigError(`${service.toUpperCase()}_CONFIG`, `invalid ${service} configuration: ${problems.join("; ")}`);
}
